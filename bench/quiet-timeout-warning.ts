/**
 * kafkajs (the bench's reader and admin) asks for a timer with a negative delay when a broker is
 * not throttling; Node.js 23 and later print a TimeoutNegativeWarning for it, which is noise between
 * the bench's figures. Only that warning is dropped, as bin/cdc.mjs does for the daemon.
 */
const print = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w) => { if (w.name !== 'TimeoutNegativeWarning') for (const l of print) l(w); });
