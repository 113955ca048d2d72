/** Training commands (studio prepare): filled in with the training core. */
export const commands = {};
