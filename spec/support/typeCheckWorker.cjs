// Type-checks files with the repo's tsconfig.json and prints the diagnostics as
// JSON. Run in its own process by typeCheck.ts: loading the compiler inside
// jest's module sandbox costs seconds more.
// Input (stdin, JSON): { root, files: string[], extra: { [fileName]: text } }.
const ts = require('typescript');

const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const { root, files, extra } = input;
const { config } = ts.readConfigFile(`${root}/tsconfig.json`, ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
const compilerOptions = { ...options, noEmit: true };
const host = ts.createCompilerHost(compilerOptions);
const getSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, languageVersion, ...rest) =>
  fileName in extra
    ? ts.createSourceFile(fileName, extra[fileName], languageVersion, true)
    : getSourceFile(fileName, languageVersion, ...rest);
const fileExists = host.fileExists.bind(host);
host.fileExists = (fileName) => fileName in extra || fileExists(fileName);
const program = ts.createProgram([...files, ...Object.keys(extra)], compilerOptions, host);
const out = ts.getPreEmitDiagnostics(program).map((d) => ({
  file: d.file ? d.file.fileName : '(global)',
  line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
  message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
}));
process.stdout.write(JSON.stringify(out));
