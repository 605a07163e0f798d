// What a dense chain is made of, shared by the one-thread step (denseChain.ts) and the per-thread
// pass (chainRows.ts).

/** Activations the chain differentiates: every one a dense layer of this app uses. */
export const CHAIN_ACTIVATIONS = ['linear', 'relu', 'elu', 'tanh', 'sigmoid'] as const;
export type ChainActivation = (typeof CHAIN_ACTIVATIONS)[number];

/** The reconstruction loss, a mean over every value; BCE clips predictions to [epsilon, 1 - epsilon]. */
export type ChainLoss = { kind: 'mse' } | { kind: 'bce'; epsilon: number };
