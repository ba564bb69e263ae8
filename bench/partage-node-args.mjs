// The Node.js options Partage is started with, as `npm start`, the `partage` command's shebang
// and the container image give them (ADR 0021): the benchmarks run the server as it ships.
// test/launchers.test.ts checks that those launchers and this list agree.
export const partageNodeArgs = ['--max-semi-space-size=32'];
