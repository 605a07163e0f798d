// Compression: the code as a compressed file. Bytes of the input and of the code at several bit
// depths, what the decoder makes of each, and JPEG squeezed to the same number of bytes.
import { useMemo, useState } from 'react';
import { CODE_BITS, type CodeBits } from '../../analysis/analysisProtocol';
import { compressionRatio } from '../../analysis/codeQuantise';
import { evenSubset } from '../../analysis/imageMetrics';
import { pickOnePerClass } from '../../data/pickOnePerClass';
import { Figure } from './Figure';
import { ImageRows, type ImageRow } from './ImageRows';
import { measurementNote, useMeasurement } from './useMeasurement';

const EVAL_LIMIT = 500;
const JPEG_LIMIT = 24;
const SHOWN = 8;

const bitsLabel = (bits: CodeBits) => (bits === 32 ? 'float32' : `${bits} bits`);
const bytesText = (bytes: number) => `${Number.isInteger(bytes) ? bytes : bytes.toFixed(2)} B`;

export function CompressionTab() {
  const [bits, setBits] = useState<CodeBits>(8);
  const measurement = useMeasurement(async ({ measureModel, analysis }) => {
    const model = await measureModel();
    const show = pickOnePerClass(evenSubset(model.dataset.split.heldOut, 200), model.dataset.labels, SHOWN);
    const result = await analysis.run({ kind: 'compression', slot: 'main', evalLimit: EVAL_LIMIT, jpegLimit: JPEG_LIMIT, showIndices: show });
    return { model, show, result };
  }, []);
  const { result } = measurement;
  const row = result?.result.rows.find((candidate) => candidate.bits === bits) ?? null;
  const latentDim = result?.model.config.spec.latentDim ?? null;
  const inputValues = result ? result.result.inputBytes : null;

  const rows = useMemo<ImageRow[]>(() => {
    if (!result) return [];
    const { dataset } = result.model;
    const [h, w, c] = dataset.shape;
    const size = h * w * c;
    const offsets = Array.from(result.show, (_, i) => i * size);
    const chosen = result.result.rows.find((candidate) => candidate.bits === bits);
    return [
      { title: 'Original', pixels: dataset.images, offsets: Array.from(result.show, (index) => index * size) },
      ...result.result.rows.map((candidate) => ({ title: `Code, ${bitsLabel(candidate.bits)}`, pixels: candidate.pixels, offsets })),
      ...(chosen && chosen.jpegPixels.length > 0 ? [{ title: `JPEG, ${bytesText(chosen.codeBytes)}`, pixels: chosen.jpegPixels, offsets }] : []),
    ];
  }, [result, bits]);

  const jpegNote = (() => {
    if (!row || !result) return null;
    if (result.result.jpegProblem) return result.result.jpegProblem;
    if (row.jpegFitted === row.jpegSearched) return `JPEG's image data averaged ${bytesText(row.jpegBytes)} at the highest quality that fits (headers and tables not counted, as the decoder's weights are not).`;
    return `JPEG could not get down to ${bytesText(row.codeBytes)} for ${row.jpegSearched - row.jpegFitted} of ${row.jpegSearched} images: at its lowest quality it still needed ${bytesText(row.jpegBytes)} on average, so its PSNR here is for a larger file.`;
  })();
  return (
    <div className="app-tab">
      <div className="app-tab-controls">
        <label>
          Bits per code value{' '}
          <select value={bits} onChange={(event) => setBits(Number(event.target.value) as CodeBits)}>
            {CODE_BITS.map((choice) => (
              <option key={choice} value={choice}>
                {bitsLabel(choice)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="app-figures">
        <Figure
          label="Compression ratio"
          value={inputValues !== null && latentDim !== null ? compressionRatio(inputValues, latentDim) : null}
          text={inputValues !== null && latentDim !== null ? `${compressionRatio(inputValues, latentDim).toFixed(compressionRatio(inputValues, latentDim) >= 10 ? 0 : 1)} : 1` : undefined}
          detail={inputValues !== null ? `${inputValues} input values, ${latentDim} code values` : undefined}
        />
        <Figure label="Input bytes" value={inputValues} text={inputValues !== null ? bytesText(inputValues) : undefined} detail="8 bits per pixel value" />
        <Figure label="Code bytes" value={row?.codeBytes ?? null} text={row ? bytesText(row.codeBytes) : undefined} detail={row ? `${latentDim} values at ${bitsLabel(bits)}` : undefined} />
        <Figure label="PSNR at code bits" value={row?.psnr ?? null} text={row ? `${row.psnr.toFixed(1)} dB` : undefined} detail="decoded code against the original" />
        <Figure label="JPEG PSNR at the same size" value={row && Number.isFinite(row.jpegPsnr) ? row.jpegPsnr : null} text={row && Number.isFinite(row.jpegPsnr) ? `${row.jpegPsnr.toFixed(1)} dB` : undefined} detail={row ? `${row.jpegFitted} of ${row.jpegSearched} images fit the budget` : undefined} />
      </div>
      {jpegNote && <p className="app-note">{jpegNote}</p>}
      {result && (
        <div className="app-scroll">
          <ImageRows label="Held-out images: the original, decoded codes at each depth, and JPEG at the chosen code's size" rows={rows} shape={result.model.dataset.shape} tilePx={48} />
        </div>
      )}
      <p className={measurement.error ? 'app-note app-error' : 'app-note'}>{measurementNote(measurement, result?.result.evaluated)}</p>
    </div>
  );
}
