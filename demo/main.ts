/**
 * `npm run demo [-- <scenario>...] [--scale <x>] [--port <n>] [--help]`
 *
 * Starts the demo HTTP server, runs the scenarios through the package with real
 * fetch and AbortSignal, closes the server and lets the process end on its own
 * (no `process.exit`: a handle left open would show as a hang).
 */
import { getJson } from './http.js';
import { scenarios, type Check, type Scenario } from './scenarios.js';
import { now, startServer, type DemoServer } from './server.js';

const USAGE = `Usage: npm run demo -- [scenario...] [--scale <x>] [--port <n>] [--help]

Runs rxjs-as-completed against a real HTTP server on 127.0.0.1 with fetch and
AbortSignal, and draws each scenario's requests as a timeline.

Scenarios (by name or number; all of them when none is given, about 10 s):
${scenarios.map((s, i) => `  ${i + 1}  ${s.name.padEnd(13)} ${s.title}`).join('\n')}

Options:
  --scale <x>  multiply every delay by x (default 1; 0.5 runs twice as fast)
  --port <n>   listen on this port instead of an ephemeral one
  --help       show this text

Exit code: 0 when every check holds, 1 when one fails or the server cannot
start, 2 for a bad argument.`;

class UsageError extends Error {}

interface Args {
  help: boolean;
  selected: Scenario[];
  scale: number;
  port: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { help: false, selected: [], scale: 1, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? arg.split('=', 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') {
      args.help = true;
    } else if (flag === '--scale') {
      const v = value();
      args.scale = Number(v);
      if (!(args.scale > 0 && args.scale <= 10))
        throw new UsageError(`--scale must be a number in (0, 10], got "${v}"`);
    } else if (flag === '--port') {
      const v = value();
      args.port = Number(v);
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
        throw new UsageError(`--port must be an integer from 0 to 65535, got "${v}"`);
      }
    } else if (flag!.startsWith('-')) {
      throw new UsageError(`unknown option "${arg}"`);
    } else {
      const byNumber = /^\d+$/.test(arg) ? scenarios[Number(arg) - 1] : undefined;
      const scenario = byNumber ?? scenarios.find((s) => s.name === arg);
      if (!scenario) {
        throw new UsageError(`unknown scenario "${arg}"; choose one of: ${scenarios.map((s) => s.name).join(', ')}`);
      }
      if (!args.selected.includes(scenario)) args.selected.push(scenario);
    }
  }
  if (args.selected.length === 0) args.selected = [...scenarios];
  return args;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`demo: ${error.message}\nRun \`npm run demo -- --help\` for the list.`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  let server: DemoServer;
  try {
    server = await startServer({ port: args.port });
  } catch (error) {
    console.error(`demo: could not start the HTTP server: ${(error as Error).message}`);
    return 1;
  }

  const started = now();
  const failed: Array<{ scenario: string } & Check> = [];
  let checks = 0;
  try {
    // One request first: checks the server answers, and loads fetch's lazy
    // internals so the first scenario's timings are not skewed by them.
    await getJson(`${server.url}/slow?tag=warm-up`);
    console.log(`Demo server listening on ${server.url}${args.scale === 1 ? '' : ` (delays x${args.scale})`}`);

    for (const scenario of args.selected) {
      const number = scenarios.indexOf(scenario) + 1;
      const heading = `${number}. ${scenario.name}: ${scenario.title} `;
      console.log(`\n${heading.padEnd(78, '=')}\n`);
      try {
        const report = await scenario.run(server, { scale: args.scale, print: (line) => console.log(line) });
        checks += report.checks.length;
        for (const check of report.checks) if (!check.ok) failed.push({ scenario: scenario.name, ...check });
      } catch (error) {
        console.error(`  scenario ${scenario.name} failed:`, error);
        failed.push({ scenario: scenario.name, ok: false, text: 'the scenario threw' });
      }
    }
  } catch (error) {
    console.error(`demo: the server at ${server.url} did not answer:`, error);
    return 1;
  } finally {
    await server.close();
  }

  const seconds = ((now() - started) / 1000).toFixed(1);
  const ran = args.selected.length === 1 ? '1 scenario' : `${args.selected.length} scenarios`;
  console.log(`\n${'='.repeat(78)}`);
  if (failed.length > 0) {
    console.error(`${ran} in ${seconds} s: ${failed.length} of ${checks} checks FAILED:`);
    for (const f of failed) console.error(`  ${f.scenario}: ${f.text}`);
    console.log('Server closed.');
    return 1;
  }
  console.log(`${ran} in ${seconds} s, all ${checks} checks hold. Server closed.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('demo: unexpected failure:', error);
    process.exitCode = 1;
  },
);
