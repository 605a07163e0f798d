// The lesson: the guide's sections in order, each a step that sets the app up and says, in two or
// three plain sentences, what to look at. Plain data; the UI in ui/lesson/ applies and shows it.
import type { RawSettings } from '../model/validate';
import type { ProjectionKind } from '../latent/projection';
import type { ColourMode } from '../viz/pointColouring';
import type { BuiltInDatasetName, PanelName } from './classroom';

/** The Applications panel's tabs, by their accessible names. */
export type ApplicationTab =
  | 'Versus PCA'
  | 'Denoising'
  | 'Anomalies'
  | 'Compression'
  | 'Generation'
  | 'Features'
  | 'Bottleneck sweep';

/** What a step sets up. Anything left out stays as the user has it. */
export interface StepSetup {
  dataset?: BuiltInDatasetName;
  /** Settings as typed in the form; a change that needs a new model asks before discarding a trained one. */
  settings?: Partial<RawSettings>;
  projection?: ProjectionKind;
  colourBy?: ColourMode;
  /** Select this tab of the Applications panel, when the panel is on the page. */
  applicationsTab?: ApplicationTab;
  /** Variational kind: draw the 1-sigma ellipses. */
  ellipses?: boolean;
}

export interface LessonStep {
  /** A short stable name, for tests and headings. */
  id: string;
  /** The guide section it belongs to. */
  section: string;
  title: string;
  /** Two or three plain sentences: what to look at. */
  text: string;
  setup: StepSetup;
  /** The panels the step needs; presenter mode shows only these (the map is always shown). */
  shows: readonly PanelName[];
  /** A live figure drawn beside the text. */
  figure?: 'autoencoder' | 'bottleneck';
}

/** The plain model most steps start from: a dense autoencoder with a 2-D code, so the map is the code. */
const PLAIN: Partial<RawSettings> = { kind: 'basic', latentDim: '2', loss: 'bce' };
const WATCH: readonly PanelName[] = ['training', 'progress', 'legend', 'decoded'];

function kindStep(kind: string, title: string, text: string, extra: Partial<RawSettings> = {}, shows: readonly PanelName[] = []): LessonStep {
  return {
    id: `kind-${kind}`,
    section: 'Six kinds of autoencoder',
    title,
    text,
    // A code wider than 2 needs a projection to be drawn.
    setup: { dataset: 'mnist', settings: { ...PLAIN, kind, ...extra }, projection: (extra.latentDim ?? '2') === '2' ? 'none' : 'pca', colourBy: 'label' },
    shows: [...WATCH, 'kind', ...shows],
  };
}

function applicationStep(tab: ApplicationTab, text: string, settings: Partial<RawSettings> = PLAIN): LessonStep {
  return {
    id: `app-${tab.toLowerCase().replace(/\s+/g, '-')}`,
    section: 'What autoencoders are used for',
    title: `Application: ${tab}`,
    text,
    setup: { dataset: 'mnist', settings, applicationsTab: tab },
    shows: ['training', 'progress', 'applications'],
  };
}

export const LESSON_STEPS: readonly LessonStep[] = [
  {
    id: 'what',
    section: 'What an autoencoder is',
    title: 'Encoder, code, decoder',
    text:
      'The encoder f squeezes an image x into a short code z = f(x); the decoder g turns the code back into an image x̂ = g(z). ' +
      'The numbers below follow the probe: drag it on the map and watch z change and x̂ redraw.',
    setup: { dataset: 'mnist', settings: PLAIN, projection: 'none', colourBy: 'label' },
    shows: ['training', 'decoded'],
    figure: 'autoencoder',
  },
  {
    id: 'bottleneck',
    section: 'The bottleneck',
    title: 'The bottleneck: 784 → 2',
    text:
      'Each digit has 28 × 28 = 784 pixel values, but the code has only 2 numbers, so the network must keep what matters most. ' +
      'Because the code is 2-D, the map shows the codes themselves: every dot is one image.',
    setup: { dataset: 'mnist', settings: PLAIN, projection: 'none', colourBy: 'label' },
    shows: ['training', 'legend', 'decoded'],
    figure: 'bottleneck',
  },
  {
    id: 'losses',
    section: 'The losses',
    title: 'How wrong is x̂?',
    text:
      'Training lowers a loss that compares each image x with its reconstruction x̂. ' +
      'Squared error averages (x − x̂)² over the pixels; cross-entropy treats each pixel as a probability of ink and punishes confident mistakes more. ' +
      'The objective and the live value of each term are in the panel on the right.',
    setup: { dataset: 'mnist', settings: PLAIN },
    shows: ['training', 'settings', 'kind', 'loss'],
  },
  {
    id: 'training',
    section: 'Training',
    title: 'The loss falls, the map separates',
    text:
      'Press Train. The loss chart falls quickly at first and then levels off. ' +
      'On the map, the digits start as one blob and pull apart into clusters, one colour per digit.',
    setup: { dataset: 'mnist', settings: PLAIN, projection: 'none', colourBy: 'label' },
    shows: ['training', 'progress', 'legend', 'loss'],
  },
  kindStep(
    'basic',
    'Kind 1: the basic autoencoder',
    'Dense layers down to the code and back up, trained only to reconstruct. Look for clusters with gaps between them: the decoder draws nonsense in the gaps, because no image was ever encoded there.',
  ),
  kindStep(
    'convolutional',
    'Kind 2: convolutional',
    'Convolutions look at small patches and reuse the same filters everywhere in the image. Look for sharper reconstructions than the basic kind, with strokes in the right places.',
    { convFilters: '16, 32' },
  ),
  kindStep(
    'denoising',
    'Kind 3: denoising',
    'The input is corrupted with noise, but the loss compares the output with the clean image. Look at the noisy input, the output and the clean image side by side: the model learns to remove the noise.',
    { noiseType: 'gaussian', noiseLevel: '0.3', body: 'dense' },
    ['reconstructions'],
  ),
  kindStep(
    'sparse',
    'Kind 4: sparse',
    'A penalty keeps most code units near zero, so each image uses only a few of them. Look at the histogram of code activations: most values pile up near zero.',
    { sparsityType: 'kl', sparsityWeight: '0.1', sparsityTarget: '0.05', latentDim: '16' },
    ['histogram'],
  ),
  kindStep(
    'variational',
    'Kind 5: variational (VAE)',
    'The encoder gives each image a small cloud of codes, and a KL term pulls all clouds towards one round blob. Look for a map without gaps, so any point decodes to something digit-like, and try Sample from prior.',
    { beta: '1' },
    ['prior'],
  ),
  kindStep(
    'contractive',
    'Kind 6: contractive',
    'A penalty on the encoder’s sensitivity makes the code change little when the input changes a little. Look at the penalty term in the loss table, and at clusters that are tighter and smoother.',
    { contractiveWeight: '0.1' },
  ),
  applicationStep('Versus PCA', 'PCA is the best straight-line 2-D summary of the pixels. Compare its map with the autoencoder’s: the curved, learned code usually separates the digits better.'),
  applicationStep('Denoising', 'A trained autoencoder can clean images it has never seen. Look at how much noise it removes, and where it starts to invent strokes.', { ...PLAIN, kind: 'denoising' }),
  applicationStep('Anomalies', 'Images the model reconstructs badly are unusual. Look at the images with the highest reconstruction error: odd handwriting, or a class the model never saw.'),
  applicationStep('Compression', 'The code is a compressed copy of the image. Look at how many numbers are kept, and how much of the image survives.'),
  applicationStep('Generation', 'Decoding codes that belong to no image makes new images. Look at which parts of the map give believable digits.', { ...PLAIN, kind: 'variational' }),
  applicationStep('Features', 'The code is a small summary a simple classifier can use. Look at how well a classifier does on 2 numbers instead of 784.'),
  applicationStep('Bottleneck sweep', 'The same model with codes of different sizes. Look where adding more numbers to the code stops helping.'),
  {
    id: 'colour',
    section: 'Colour images',
    title: 'Colour images, like CIFAR',
    text:
      'The same ideas work for colour images: here 32 × 32 emoji with 3 colour channels, 3,072 numbers each, squeezed to 2. ' +
      'Look at which emoji share a region of the map: colour and overall shape usually matter more than meaning.',
    setup: { dataset: 'emoji', settings: PLAIN, projection: 'none', colourBy: 'label' },
    shows: ['training', 'progress', 'legend', 'decoded'],
  },
  {
    id: 'clustering',
    section: 'Latent clustering',
    title: 'Which digits are neighbours?',
    text:
      'Similar images get similar codes, so the map clusters them even though the model never saw a label. ' +
      'Look for the 1s and the 7s lying next to each other, and drag the probe between them to watch a 1 grow the bar of a 7.',
    setup: { dataset: 'mnist', settings: PLAIN, projection: 'none', colourBy: 'label' },
    shows: ['training', 'progress', 'legend', 'decoded'],
  },
  {
    id: 'too-small',
    section: 'The limits',
    title: 'Too small a bottleneck',
    text:
      'With only 2 numbers the code cannot keep every detail, so reconstructions come out blurry and similar digits like 4 and 9 overlap. ' +
      'Look at the reconstructions next to their originals.',
    setup: { dataset: 'mnist', settings: PLAIN, projection: 'none', colourBy: 'label', applicationsTab: 'Bottleneck sweep' },
    shows: ['training', 'progress', 'reconstructions', 'decoded'],
  },
  {
    id: 'too-large',
    section: 'The limits',
    title: 'Too large a bottleneck',
    text:
      'With 64 numbers for 784 pixels the network can almost copy its input, so reconstructions are sharp but the code need not organise anything. ' +
      'Look at the PCA view of the 64-D codes: compare how cleanly it separates the digits with the 2-D map.',
    setup: { dataset: 'mnist', settings: { ...PLAIN, latentDim: '64' }, projection: 'pca', colourBy: 'label', applicationsTab: 'Bottleneck sweep' },
    shows: ['training', 'progress', 'reconstructions', 'legend'],
  },
];

/** The step shown for `lesson=N` in a link (1-based there, 0-based here). */
export function stepFromLink(value: number): number | null {
  return Number.isInteger(value) && value >= 1 && value <= LESSON_STEPS.length ? value - 1 : null;
}
