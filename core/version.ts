/** The memspike version (package.json's; a test keeps them equal). Model files and checkpoints record it. */
export const MEMSPIKE_VERSION = '0.2.0';
