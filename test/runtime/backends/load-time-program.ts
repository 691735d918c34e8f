// A session program that returns when its module was loaded (ms since the epoch).
const loadedAt = Date.now();

const loadTime = async () => loadedAt;

export default loadTime;
