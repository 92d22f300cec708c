declare module 'node-gyp-build' {
  /** Loads the addon for `dir`: a matching prebuild under prebuilds/, else build/Release. */
  function load(dir: string): unknown;
  export default load;
}
