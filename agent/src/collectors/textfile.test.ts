import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SampleSchema } from '@vigil/shared';
import { parseTextfile, parseTextfileLine } from './textfile-parser.js';
import { TEXTFILE_LIMITS, TextfileCollector } from './textfile.js';

describe('parseTextfile', () => {
  it('reads plain and labelled samples, skipping comments, blank lines and timestamps', () => {
    const text = [
      '# HELP backup_age_seconds Age of the last backup',
      '# TYPE backup_age_seconds gauge',
      'backup_age_seconds 3600',
      '',
      'queue_depth{queue="mail",host_role="relay"} 12.5',
      'errors_total{kind="a \\"quoted\\" \\\\ value\\nnext"} -1e3 1700000000000',
      'up{} 1',
    ].join('\n');
    expect(parseTextfile(text)).toEqual({
      samples: [
        { metric: 'custom.backup_age_seconds', value: 3600 },
        { metric: 'custom.queue_depth', value: 12.5, labels: { queue: 'mail', host_role: 'relay' } },
        { metric: 'custom.errors_total', value: -1000, labels: { kind: 'a "quoted" \\ value\nnext' } },
        { metric: 'custom.up', value: 1 },
      ],
      problems: [],
    });
  });

  it('gives samples the frame schema accepts', () => {
    for (const sample of parseTextfile('a 1\nb_2{x="y"} 2\n_c 3').samples) expect(SampleSchema.safeParse(sample).success).toBe(true);
  });

  it('skips malformed lines with a reason naming the line, and never makes up a value', () => {
    const { samples, problems } = parseTextfile(['good 1', 'Bad_Name 1', 'no_value', 'nan_value NaN', 'inf_value +Inf', 'text_value high', 'x{a="1" 2', 'y{a=1} 2', 'z{__proto__="p"} 1', 'w{a="1",a="2"} 1', 'v 1 2 3', '9lives 1'].join('\n'));
    expect(samples).toEqual([{ metric: 'custom.good', value: 1 }]);
    expect(problems).toHaveLength(11);
    expect(problems[0]).toMatch(/^line 2: bad metric name "Bad_Name"/);
    expect(problems[1]).toMatch(/^line 3: expected a space and a value after no_value/);
    expect(problems[2]).toMatch(/^line 4: value of nan_value is not a finite number/);
    expect(problems[3]).toMatch(/^line 5: value of inf_value is not a finite number/);
    expect(problems[8]).toMatch(/^line 10: label a given twice/);
    expect(problems.join('\n')).toMatch(/label names starting with __ are reserved/);
  });

  it('refuses names and labels the frame schema would refuse', () => {
    expect(parseTextfileLine(`${'n'.repeat(122)} 1`)).toMatchObject({ problem: expect.stringMatching(/longer than 121/) });
    expect(parseTextfileLine(`n{v="${'x'.repeat(257)}"} 1`)).toMatchObject({ problem: expect.stringMatching(/longer than 256/) });
    const seventeen = Array.from({ length: 17 }, (_, i) => `l${i}="v"`).join(',');
    expect(parseTextfileLine(`n{${seventeen}} 1`)).toMatchObject({ problem: 'more than 16 labels' });
  });
});

describe('TextfileCollector', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-textfile-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads every *.prom file in the directory, each cycle', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.prom'), 'backup_ok 1\n');
    writeFileSync(join(dir, 'b.prom'), 'disk_errors{dev="sda"} 0\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored 1\n');
    writeFileSync(join(dir, '.tmp.prom'), 'half_written 1\n');
    const collector = new TextfileCollector(dir);
    expect(await collector.collect()).toEqual({ samples: [{ metric: 'custom.backup_ok', value: 1 }, { metric: 'custom.disk_errors', value: 0, labels: { dev: 'sda' } }] });
    writeFileSync(join(dir, 'a.prom'), 'backup_ok 0\n');
    expect((await collector.collect()).samples[0]).toEqual({ metric: 'custom.backup_ok', value: 0 });
  });

  it('reports nothing, and no fault, when the directory does not exist or none is configured', async () => {
    expect(await new TextfileCollector(join(tempDir(), 'missing')).collect()).toEqual({ samples: [] });
    expect(await new TextfileCollector(null).collect()).toEqual({ samples: [] });
  });

  it('names skipped lines in the reason while keeping the good samples', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.prom'), 'ok_metric 1\nbroken\n');
    const output = await new TextfileCollector(dir).collect();
    expect(output).toMatchObject({ samples: [{ metric: 'custom.ok_metric', value: 1 }], status: 'ok', reason: 'skipped: app.prom line 2: expected a space and a value after broken' });
  });

  it('is unknown with a reason when nothing could be read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.prom'), 'broken\n');
    expect(await new TextfileCollector(dir).collect()).toMatchObject({ samples: [], status: 'unknown', reason: expect.stringMatching(/app\.prom line 1/) });
  });

  it('keeps the first of a series given twice', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.prom'), 'dup{x="1"} 1\n');
    writeFileSync(join(dir, 'b.prom'), 'dup{x="1"} 2\n');
    const output = await new TextfileCollector(dir).collect();
    expect(output.samples).toEqual([{ metric: 'custom.dup', value: 1, labels: { x: '1' } }]);
    expect(output.reason).toMatch(/b\.prom: custom\.dup\{x="1"\} was already given/);
  });

  it('caps files, bytes per file and samples', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big.prom'), `big 1\n${'#'.repeat(TEXTFILE_LIMITS.bytesPerFile)}\n`);
    const many = Array.from({ length: TEXTFILE_LIMITS.samples + 5 }, (_, i) => `m_${i} ${i}`).join('\n');
    writeFileSync(join(dir, 'many.prom'), many.slice(0, TEXTFILE_LIMITS.bytesPerFile));
    for (let i = 0; i < TEXTFILE_LIMITS.files; i++) writeFileSync(join(dir, `z${String(i).padStart(3, '0')}.prom`), `z_${i} 1\n`);
    mkdirSync(join(dir, 'dir.prom'));
    const output = await new TextfileCollector(dir).collect();
    expect(output.samples).toHaveLength(TEXTFILE_LIMITS.samples);
    expect(output.samples.some((s) => s.metric === 'custom.big')).toBe(false);
    expect(output.reason).toMatch(/\.prom files, only the first 64 \(by name\) are read/);
    expect(output.reason).toMatch(/big\.prom: larger than 64 KiB/);
    expect(output.reason).toMatch(/dir\.prom: not a regular file/);
  });
});
