import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_UNET_WEIGHTS } from '../models/convert/index.ts';
import { runChild } from './child.ts';
import type { Figure, Unavailable } from './figures.ts';
import type { ShippedTimes } from './txt2img-figures.ts';

/** The environment variable naming a stable-diffusion.cpp `sd-cli` binary to compare with. */
export const SD_CPP_VARIABLE = 'LATENTFLOW_SD_CPP';
const GB = 1e9;
/** Today's margin per UNet step (issue 18): latentflow must stay this far ahead. */
const STEP_MARGIN = 3;
const ISSUE_FIGURES = 'the issue\'s, on a 2-core AVX2 machine with 2 threads: 52.2-54.6 s a step (q8_0..f32), VAE decode 74-94 s, peak 3.5-4.5 GB';

/** What stable-diffusion.cpp's log says of one 512x512, 1-step txt2img (batch 2 with CFG), and its peak memory. */
export interface SdCppRun { stepMs: number; vaeDecodeMs: number; peakRssBytes: number; threads: number }

/** The seconds of a `<what> completed, taking 12.34s` line of stable-diffusion.cpp's log. */
export function loggedSeconds(log: string, what: string): number | undefined {
  const match = new RegExp(`${what} completed, taking ([\\d.]+)s`).exec(log);
  return match ? Number(match[1]) : undefined;
}

const hwmBytes = (pid: number): number | undefined => {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined; // it has exited
  }
};

/**
 * Runs stable-diffusion.cpp once on `checkpoint` (the bench's random SD 1.5 checkpoint): 512x512, 1 step,
 * CFG 7, as many threads as ORT gets, every weight loaded up front (`--eager-load`: otherwise the first
 * step and the decode include loading their weights). Its peak memory is read from /proc every 0.2 s.
 */
export function runSdCpp(binary: string, checkpoint: string, workDir: string): Promise<SdCppRun> {
  const threads = availableParallelism();
  const args = ['-m', checkpoint, '-p', 'a red circle on a blue background', '-W', '512', '-H', '512', '--steps', '1', '--cfg-scale', '7', '-s', '42', '-t', String(threads), '--eager-load', '-o', join(workDir, 'sd-cpp.png'), '-v'];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let peakRssBytes = 0;
    const poll = setInterval(() => { peakRssBytes = Math.max(peakRssBytes, hwmBytes(child.pid!) ?? 0); }, 200);
    for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (chunk: string) => { log += chunk; });
    child.on('error', (error) => {
      clearInterval(poll);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(poll);
      const sampling = loggedSeconds(log, 'sampling');
      const decode = loggedSeconds(log, 'decode_first_stage');
      if (code !== 0 || sampling === undefined || decode === undefined) {
        reject(new Error(`${binary} exited with ${code} without its timing lines: ${log.slice(-1500)}`));
        return;
      }
      resolve({ stepMs: sampling * 1000, vaeDecodeMs: decode * 1000, peakRssBytes, threads });
    });
  });
}

const sdCppUnavailable = (reason: string): Unavailable => ({ id: 'peer.sd_cpp', label: 'stable-diffusion.cpp, side by side', reason: `${reason}; ${ISSUE_FIGURES}` });

/**
 * stable-diffusion.cpp's run when SD_CPP_VARIABLE names its binary, on `checkpoint` (else on the bench's random
 * checkpoint written for it and removed after), or why there is none: a failed peer leaves the bench's own figures standing.
 */
export async function measurePeer(workDir: string, checkpoint?: string): Promise<SdCppRun | Unavailable> {
  const binary = process.env[SD_CPP_VARIABLE];
  if (!binary) return sdCppUnavailable(`not measured: ${SD_CPP_VARIABLE} does not name a stable-diffusion.cpp sd-cli binary`);
  if (!existsSync(binary)) return sdCppUnavailable(`not measured: ${SD_CPP_VARIABLE}=${binary} does not exist`);
  const path = checkpoint ?? join(workDir, 'sd15-random-peer.ckpt');
  try {
    if (!checkpoint) {
      process.stderr.write('[bench] writing the full-size random checkpoint for stable-diffusion.cpp\n');
      await runChild('write-checkpoint', { path });
    }
    process.stderr.write(`[bench] stable-diffusion.cpp: 512x512, 1 step\n`);
    return await runSdCpp(binary, path, workDir);
  } catch (error) {
    return sdCppUnavailable(`its run failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (!checkpoint) rmSync(path, { force: true });
  }
}

/** Latentflow's shipped defaults against stable-diffusion.cpp on the same checkpoint and machine (target 8). */
export function peerFigures(peer: SdCppRun, ours: ShippedTimes): Figure[] {
  const how = `stable-diffusion.cpp (${SD_CPP_VARIABLE}) on the bench's random checkpoint, 512x512, 1 step, CFG 7, ${peer.threads} threads; this CPU has AVX-512/VNNI, ${ISSUE_FIGURES}`;
  return [
    {
      id: 'peer.sd_cpp.step_ratio', label: 'UNet step vs stable-diffusion.cpp', value: peer.stepMs / ours.stepMs, unit: 'x faster',
      target: { kind: 'min', limit: STEP_MARGIN, text: `≥ ${STEP_MARGIN}x (today's margin)` },
      note: `stable-diffusion.cpp ${(peer.stepMs / 1000).toFixed(1)} s a step (its sampling time), latentflow's shipped ${DEFAULT_UNET_WEIGHTS} UNet ${(ours.stepMs / 1000).toFixed(1)} s (ORT, batch 2); ${how}`,
    },
    {
      id: 'peer.sd_cpp.vae_ratio', label: 'VAE decode 512x512 vs stable-diffusion.cpp', value: peer.vaeDecodeMs / ours.vaeDecodeMs, unit: 'x faster',
      target: { kind: 'min', limit: 1, text: 'ahead (> 1x)' },
      note: `stable-diffusion.cpp ${(peer.vaeDecodeMs / 1000).toFixed(1)} s (decode_first_stage), latentflow ${(ours.vaeDecodeMs / 1000).toFixed(1)} s (ORT, in the shipped txt2img)`,
    },
    {
      id: 'peer.sd_cpp.peak_rss', label: 'Peak memory vs stable-diffusion.cpp', value: peer.peakRssBytes / ours.peakRssBytes, unit: 'x less',
      target: { kind: 'min', limit: 1, text: 'ahead (> 1x)' },
      note: `stable-diffusion.cpp ${(peer.peakRssBytes / GB).toFixed(2)} GB (VmHWM, read every 0.2 s), latentflow's shipped txt2img ${(ours.peakRssBytes / GB).toFixed(2)} GB`,
    },
  ];
}
