export type { CliIo } from "./io.js";
export { buildProgram } from "./program.js";
export { main } from "./run.js";
