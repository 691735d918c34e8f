// The workflow contract lives in contract/; this path stays for plugins and older imports.
export { WorkflowSchema, LinkSchema, isLink } from '../contract/index.ts';
export type { Workflow, WorkflowNode, Link, InputValue } from '../contract/index.ts';
