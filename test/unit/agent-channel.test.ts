// The exec WebSocket framing, log selection and argv builders.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, exitStatus, parseExecQuery, parseResize, selectProtocol } from '../../src/agent/server/channel.js';
import { formatLogLine, parseLogLine, parseLogQuery, selectLines, renderLine } from '../../src/agent/runtime/logfmt.js';
import { asUser, containerArgv, execArgv, podPlacedArgv } from '../../src/agent/runtime/argv.js';

describe('channel.k8s.io framing', () => {
  it('selects v5 over v4 and refuses others', () => {
    assert.equal(selectProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io']), 'v5.channel.k8s.io');
    assert.equal(selectProtocol(['v4.channel.k8s.io']), 'v4.channel.k8s.io');
    assert.equal(selectProtocol(['channel.k8s.io']), undefined);
  });
  it('encodes and decodes frames; 255 closes a stream only in v5', () => {
    assert.deepEqual([...encodeFrame(1, new Uint8Array([104, 105]))], [1, 104, 105]);
    assert.deepEqual(decodeFrame(new Uint8Array([0, 97]), 'v5.channel.k8s.io'), { kind: 'data', channel: 0, data: new Uint8Array([97]) });
    assert.deepEqual(decodeFrame(new Uint8Array([255, 0]), 'v5.channel.k8s.io'), { kind: 'close', channel: 0 });
    assert.equal(decodeFrame(new Uint8Array([255, 0]), 'v4.channel.k8s.io').kind, 'data');
    assert.deepEqual(decodeFrame(new Uint8Array([]), 'v5.channel.k8s.io'), { kind: 'empty' });
  });
  it('exit status as client-go reads it', () => {
    assert.deepEqual(exitStatus(0, ['true']), { metadata: {}, status: 'Success' });
    const s: any = exitStatus(3, ['sh', '-c', 'exit 3']);
    assert.equal(s.reason, 'NonZeroExitCode');
    assert.deepEqual(s.details.causes, [{ reason: 'ExitCode', message: '3' }]);
  });
  it('query and resize', () => {
    const q = parseExecQuery(new URLSearchParams('command=ls&command=-l&stdin=true&tty=1&container=c'));
    assert.deepEqual(q, { container: 'c', command: ['ls', '-l'], stdin: true, stdout: true, stderr: true, tty: true });
    assert.deepEqual(parseResize(new TextEncoder().encode('{"Width":80,"Height":24}')), { width: 80, height: 24 });
  });
});

describe('logs', () => {
  const lines = ['a', 'b', 'c'].map((t, i) => parseLogLine(formatLogLine({ time: `2025-01-01T00:00:0${i}.000000000Z`, stream: 'stdout', text: t }).trimEnd())!);
  it('round-trips CRI lines and selects tail / since', () => {
    assert.equal(lines[1].text, 'b');
    assert.deepEqual(selectLines(lines, { tailLines: 2 }).map((l) => l.text), ['b', 'c']);
    assert.deepEqual(selectLines(lines, { tailLines: 0 }), []);
    assert.deepEqual(selectLines(lines, { sinceTime: '2025-01-01T00:00:01Z' }).map((l) => l.text), ['b', 'c']);
    assert.equal(renderLine(lines[0], true), '2025-01-01T00:00:00.000000000Z a\n');
  });
  it('parses kubectl query flags', () => {
    const q = parseLogQuery(new URLSearchParams('follow=true&previous=true&tailLines=5&sinceSeconds=10&limitBytes=100&container=x'), Date.parse('2025-01-01T00:00:10Z'));
    assert.deepEqual(q, { container: 'x', follow: true, previous: true, timestamps: false, tailLines: 5, limitBytes: 100, sinceTime: '2025-01-01T00:00:00.000Z' });
  });
});

describe('argv', () => {
  it('container: netns, UTS hostname, setpriv user', () => {
    const prog = asUser({ uid: 1000, gid: 1000 }, ['sleep', '1']);
    assert.deepEqual(prog, ['setpriv', '--reuid', '1000', '--regid', '1000', '--clear-groups', '--', 'sleep', '1']);
    assert.deepEqual(asUser({}, ['sleep', '1']), ['sleep', '1']);
    const a = containerArgv({ netns: 'ns1', hostname: 'web-0' }, prog);
    assert.deepEqual(a.slice(0, 7), ['ip', 'netns', 'exec', 'ns1', 'unshare', '--uts', '--']);
    assert.equal(a[a.length - prog.length - 1], 'web-0', 'the hostname is $0 of the shell');
    assert.deepEqual(a.slice(-prog.length), prog);
    // From a thread already in the netns and UTS namespace, only the mount namespace is left.
    assert.deepEqual(podPlacedArgv({ netns: 'ns1', hostname: 'web-0' }, prog), ['ip', 'netns', 'exec', 'ns1', ...prog]);
    // A stand-in's holder skips even that; the plain-spawn chain still needs ip to enter the netns.
    assert.deepEqual(podPlacedArgv({ netns: 'ns1', hostname: 'web-0', podEtc: false }, prog), prog);
    assert.deepEqual(containerArgv({ netns: 'ns1', hostname: 'web-0', podEtc: false }, prog).slice(0, 4), ['ip', 'netns', 'exec', 'ns1']);
  });
  it('exec with tty uses script and quotes', () => {
    const target = { pid: 42, pod: { netns: 'ns1', hostname: 'web-0' } };
    assert.deepEqual(execArgv(target, {}, ['echo', "it's"], true), ['nsenter', '-t', '42', '-m', '-u', '-n', '--', 'script', '-qfec', `echo 'it'\\''s'`, '/dev/null']);
  });
  it('exec into a container started without the pod mounts makes them and joins its UTS', () => {
    const target = { pid: 42, pod: { netns: 'ns1', hostname: 'web-0', podEtc: false } };
    assert.deepEqual(execArgv(target, { uid: 7 }, ['cat', '/etc/resolv.conf']), ['ip', 'netns', 'exec', 'ns1', 'nsenter', '-t', '42', '-u', '--', 'setpriv', '--reuid', '7', '--clear-groups', '--', 'cat', '/etc/resolv.conf']);
  });
});
