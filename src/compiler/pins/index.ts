/** The pins stage: the rules against the clause texts they were reviewed with (see pins.ts). */
export { checkPins, pinsFor, PIN_FILE, type Pin, type PinFile } from "./pins.js";
