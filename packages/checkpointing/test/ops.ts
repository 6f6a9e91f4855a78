// Short constructors for hand-written operation lists in tests.

import type { Operation } from "../src/index.js";

export const F = (stage: number): Operation => ({ type: "forward", stage });
export const FC = (stage: number): Operation => ({ type: "forward-checkpoint", stage });
export const FS = (stage: number): Operation => ({ type: "forward-save", stage });
export const FL = (stage: number): Operation => ({ type: "forward-save-lean", stage });
export const FX = (stage: number): Operation => ({ type: "forward-context", stage });
export const B = (stage: number): Operation => ({ type: "backward", stage });
export const free = (activation: number): Operation => ({ type: "free", activation });
