// Which backend the model trains on, and what is known about the others: the first guess, the
// background measurement and its answer, the user's pick, backends found broken. Every change of
// backend is announced to the page through `announce`.
import type { ExperimentConfig } from '../../model/spec';
import { errorText } from '../../backends/activate';
import type { BackendChoice, BackendName, BackendReport } from '../protocol';
import { selfTestConfig, selfTestData } from '../selfTest';
import { firstGuess, measureInPlace, mergeMeasurement } from '../backendChoice';
import type { BackendMeasurer, Measurement } from '../backgroundMeasure';
import { chooseMove, type BackendMove } from '../backendMove';
import { buildOrder } from './fallbackOrder';
import type { Emit, SessionData } from './context';

export class BackendPlanner {
  /** The backend the trainer runs (or is about to be built) on. */
  backend: BackendName | null = null;
  reports: BackendReport[] = [];
  /** The model shape the reports were measured for. */
  measuredFor = '';
  /** A backend the user picked by hand; kept across rebuilds instead of measuring again. */
  userChoice: BackendName | null = null;
  /** A faster backend found while training ran: the loop moves there at the next step boundary. */
  pendingMove: BackendMove | null = null;
  /** What a measurement would time for the current model (from the first guess). */
  private worthTiming: BackendName[] = [];
  /** The background measurement under way, and the model shape it measures. */
  private measurement: { key: string; run: Measurement } | null = null;

  constructor(
    private readonly emit: Emit,
    private readonly measurer: BackendMeasurer,
  ) {}

  /** Tell the page which backend training is on now, and how it was chosen. */
  announce(how: BackendChoice): void {
    if (this.backend) this.emit({ type: 'backends', reports: this.reports, chosen: this.backend, how });
  }

  /** Whether the model shape `key` needs a first guess: never measured, and no measurement under way. */
  needsGuess(key: string): boolean {
    return (this.measuredFor !== key || !this.backend) && this.measurement?.key !== key;
  }

  /** Pick the first backend from feature detection alone (no training), so Train is usable at once. */
  async guessFirst(config: ExperimentConfig): Promise<void> {
    const { backend, reports, worthTiming } = await firstGuess(config);
    this.reports = reports;
    this.backend = backend;
    this.worthTiming = worthTiming;
    this.announce('guess');
  }

  /** The reports of feature detection for `config`'s model, without choosing a backend (the user chose). */
  async readReports(config: ExperimentConfig): Promise<void> {
    this.reports = (await firstGuess(config)).reports;
  }

  /**
   * Where the model already runs on the only backend worth timing here (no GPU, or only an emulated
   * one: WebAssembly alone), a measurement could only confirm it, and its worker would load tfjs and
   * train beside the first seconds of training: say so and skip it. True when concluded.
   */
  concludeWithoutTiming(key: string): boolean {
    if (!this.backend || this.worthTiming.length !== 1 || this.worthTiming[0] !== this.backend) return false;
    this.measuredFor = key;
    this.announce('only');
    return true;
  }

  /**
   * Measure every backend in the background; its answer goes to `onAnswer` (unless cancelled
   * meanwhile). False when nothing can measure beside training here.
   */
  startMeasurement(key: string, config: ExperimentConfig, data: SessionData, onAnswer: (reports: BackendReport[], key: string) => void): boolean {
    const run = this.measurer({ config: selfTestConfig(config), data: selfTestData(data) });
    if (!run) return false; // "Fastest (measure)" then measures in place (see measureHere).
    const measurement = { key, run };
    this.measurement = measurement;
    run.reports.then(
      (reports) => {
        if (this.measurement !== measurement) return;
        this.measurement = null;
        onAnswer(reports, key);
      },
      (error) => {
        if (this.measurement !== measurement) return; // cancelled: the model it measured is gone
        this.measurement = null;
        this.emit({ type: 'error', message: `The backends could not be measured (${errorText(error)}); training stays on ${this.backend ?? 'its first guess'}.` });
      },
    );
    return true;
  }

  cancelMeasurement(): void {
    this.measurement?.run.cancel();
    this.measurement = null;
  }

  /** Take a measurement's answer for the model shape `key`; the move to make, if it is a clear win. */
  acceptMeasurement(measured: BackendReport[], key: string): BackendMove | null {
    if (!this.backend) return null;
    this.reports = mergeMeasurement(measured, this.reports);
    this.measuredFor = key;
    return chooseMove(this.reports, this.backend);
  }

  /** Measure every backend here and now (the user asked for it), and choose the fastest. */
  async measureHere(config: ExperimentConfig, data: SessionData, key: string): Promise<void> {
    const reports = await measureInPlace(config, data);
    this.reports = reports;
    const best = reports.find((report) => report.works);
    if (!best) throw new Error('No TensorFlow.js backend could run this model here.');
    this.backend = best.name;
    this.measuredFor = key;
    this.announce('measured');
  }

  /** Backends to try building on, the planned one first. */
  buildOrder(first: BackendName): BackendName[] {
    return buildOrder(first, this.reports);
  }

  /** The backends known not to work here. */
  broken(): Set<BackendName> {
    return new Set(this.reports.filter((report) => !report.works).map((report) => report.name));
  }

  markBroken(name: BackendName, problem: string): void {
    const report = this.reports.find((r) => r.name === name);
    if (report) {
      report.works = false;
      report.problem = problem;
      report.imagesPerSecond = undefined;
    } else {
      this.reports.push({ name, works: false, problem });
    }
  }
}
