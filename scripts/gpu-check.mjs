// Device check: on a machine with a real GPU, run `npm run bench` in headless Chromium with GPU
// flags (no SwiftShader) and print its JSON with the GPU that ran it. Exits at once, printing
// { "gpu": false, ... }, where there is no GPU or Chromium only gets a software renderer.
// Usage: node scripts/gpu-check.mjs [bench options, e.g. --no-kinds --seconds 30]
// The app must be built first (npm run build, or DIST_DIR=<folder>). GPU_CHECK_PROBE_ANYWAY=1 probes
// Chromium even where Linux shows no GPU device node.
import { existsSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { findChromium, startPreviewServer } from '../tests/browser/harness.mjs';

const BASE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--no-first-run',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--ignore-gpu-blocklist',
  '--enable-gpu',
  '--enable-unsafe-webgpu',
];
/** GPU paths to try in headless Linux Chromium, most capable first. */
const FLAG_SETS = [
  ['--use-angle=vulkan', '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan'],
  ['--use-gl=angle', '--use-angle=gl-egl'],
  ['--use-angle=gl'],
];
const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software/i;

function print(object) {
  console.log(JSON.stringify(object, null, 2));
}

/** A quick look for a GPU device node before starting any browser. */
function gpuDeviceNodes() {
  const nodes = [];
  if (existsSync('/dev/dri')) nodes.push(...readdirSync('/dev/dri').filter((name) => name.startsWith('renderD')).map((name) => `/dev/dri/${name}`));
  if (existsSync('/dev')) nodes.push(...readdirSync('/dev').filter((name) => /^nvidia\d+$/.test(name)).map((name) => `/dev/${name}`));
  return nodes;
}

/** What WebGL and WebGPU report in a page of the app's origin (WebGPU needs a secure context). */
async function probe(args, url) {
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args, timeout: 30_000 });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    return await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      const gl = canvas.getContext('webgl2');
      const debug = gl?.getExtension('WEBGL_debug_renderer_info');
      const webgl = gl ? String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : '';
      let webgpu = '';
      try {
        const adapter = await window.navigator.gpu?.requestAdapter();
        const info = adapter ? (adapter.info ?? {}) : null;
        if (info) webgpu = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'adapter';
        if (adapter?.info?.isFallbackAdapter) webgpu += ' (fallback)';
      } catch {
        webgpu = '';
      }
      return { webgl, webgpu };
    });
  } finally {
    await browser.close();
  }
}

// Only Linux exposes GPUs as device nodes; elsewhere the browser probe below decides.
const devices = process.platform === 'linux' ? gpuDeviceNodes() : ['(not Linux: probing the browser)'];
if (devices.length === 0 && !process.env.GPU_CHECK_PROBE_ANYWAY) {
  print({ gpu: false, reason: 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*)' });
  process.exit(0);
}

const server = await startPreviewServer({ root: process.env.DIST_DIR });
let chosen = null;
const tried = [];
try {
  for (const flags of FLAG_SETS) {
    const args = [...BASE_ARGS, ...flags];
    try {
      const seen = await probe(args, server.url);
      tried.push({ flags, ...seen });
      const real = (name) => name !== '' && !SOFTWARE.test(name) && !name.includes('(fallback)');
      if (real(seen.webgl) || real(seen.webgpu)) {
        chosen = { args, ...seen };
        break;
      }
    } catch (error) {
      tried.push({ flags, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
} finally {
  await server.close();
}
if (!chosen) {
  print({ gpu: false, reason: 'Chromium found only software rendering', devices, tried });
  process.exit(0);
}

// The bench in a child process, with the GPU flags in place of the SwiftShader ones.
const bench = spawn(process.execPath, ['scripts/bench.mjs', ...process.argv.slice(2)], {
  env: { ...process.env, BENCH_CHROMIUM_ARGS: JSON.stringify(chosen.args) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
bench.stdout.on('data', (chunk) => (output += chunk));
const code = await new Promise((resolve) => bench.on('close', resolve));
let report;
try {
  report = JSON.parse(output.slice(output.indexOf('{')));
} catch {
  report = { benchOutput: output };
}
print({ gpu: true, webglRenderer: chosen.webgl, webgpuAdapter: chosen.webgpu, chromiumArgs: chosen.args, benchExitCode: code, ...report });
process.exit(code ?? 1);
