// Where Eddy keeps what it fetches or builds once per machine: transpiled
// components, Kafka's jars, toolchains, the pinned Node runtime.
// `$EDDY_CACHE_DIR`, else `$XDG_CACHE_HOME/eddy`, else `~/.cache/eddy`. The
// rule is written once, in node-runtime.js, which is plain JavaScript because
// it runs before anything is compiled.
// Must never: depend on anything but the environment.

export { cacheDirectory } from './node-runtime.js';
