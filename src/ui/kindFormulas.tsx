// What each autoencoder kind is, in a sentence, its objective written out, and what it is used for.
// Shown next to the live values of the loss terms, so a class can connect the formula to the numbers.
import type { ReactNode } from 'react';
import type { AutoencoderKind } from '../model/spec';

export const TERM_LABELS: Record<string, string> = {
  reconstruction: 'reconstruction',
  kl: 'β · KL',
  sparsity: 'sparsity penalty',
  contractive: 'λ · ‖J‖²',
  total: 'total',
};

export interface KindDescription {
  title: string;
  idea: string;
  formula: ReactNode;
  usedFor: string;
}

const reconstruction = (
  <>
    ℓ(<i>x</i>, <i>g</i>(<i>f</i>(<i>x</i>)))
  </>
);

export const KIND_DESCRIPTIONS: Record<AutoencoderKind, KindDescription> = {
  basic: {
    title: 'Basic autoencoder',
    idea: 'A dense encoder f squeezes each image into a small code z; a dense decoder g rebuilds the image from z alone.',
    formula: (
      <>
        <i>z</i> = <i>f</i>(<i>x</i>), <i>x̂</i> = <i>g</i>(<i>z</i>), L = {reconstruction}
      </>
    ),
    usedFor: 'Dimensionality reduction, compression, feature extraction.',
  },
  convolutional: {
    title: 'Convolutional autoencoder',
    idea: 'Strided convolutions share weights across the image, so the code keeps spatial structure with far fewer weights.',
    formula: (
      <>
        <i>z</i> = <i>f</i><sub>conv</sub>(<i>x</i>), <i>x̂</i> = <i>g</i><sub>deconv</sub>(<i>z</i>), L = ℓ(<i>x</i>, <i>x̂</i>)
      </>
    ),
    usedFor: 'Images: compression, features for other models.',
  },
  denoising: {
    title: 'Denoising autoencoder',
    idea: 'The encoder sees a corrupted image but the loss compares with the clean one, so the model learns to remove the noise.',
    formula: (
      <>
        <i>x̃</i> = corrupt(<i>x</i>), L = ℓ(<i>x</i>, <i>g</i>(<i>f</i>(<i>x̃</i>)))
      </>
    ),
    usedFor: 'Denoising, robust features.',
  },
  sparse: {
    title: 'Sparse autoencoder',
    idea: 'A penalty keeps most code units quiet for any one image, so each unit comes to stand for a feature.',
    formula: (
      <>
        L = {reconstruction} + <i>w</i> · Σ<sub>j</sub> KL(ρ ‖ ρ̂<sub>j</sub>) &nbsp;or&nbsp; + <i>w</i> · mean|<i>h</i>|
      </>
    ),
    usedFor: 'Interpretable features, feature extraction.',
  },
  variational: {
    title: 'Variational autoencoder (VAE)',
    idea: 'The encoder gives a mean μ and a spread σ per code unit; a sampled code is decoded, and a KL term keeps the codes close to a standard normal, so any code from N(0, I) decodes to a plausible image.',
    formula: (
      <>
        <i>z</i> = μ + σ ⊙ ε, ε ~ N(0, I); L = ℓ(<i>x</i>, <i>g</i>(<i>z</i>)) + β · KL(q(<i>z</i>|<i>x</i>) ‖ N(0, I)), KL = −½ Σ(1 + log σ² − μ² − σ²)
      </>
    ),
    usedFor: 'Generation: sample new images; smooth maps for interpolation.',
  },
  contractive: {
    title: 'Contractive autoencoder',
    idea: 'A penalty on the encoder’s Jacobian makes the code change little when the input changes a little.',
    formula: (
      <>
        L = {reconstruction} + λ · ‖J<sub>f</sub>(<i>x</i>)‖²<sub>F</sub>
      </>
    ),
    usedFor: 'Robust features that ignore small distortions.',
  },
};
