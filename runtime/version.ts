/** Version of the runtime API that plugins declare compatibility with (`runtime: '^1'`). */
export const RUNTIME_API_VERSION = '1.0.0';
