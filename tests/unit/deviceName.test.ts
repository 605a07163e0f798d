import { describe, expect, it } from 'vitest';
import { shortDeviceName } from '../../src/ui/deviceName';

describe('shortDeviceName', () => {
  it('keeps the device of an ANGLE renderer string, without its PCI ids', () => {
    expect(shortDeviceName('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe('NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0');
    expect(shortDeviceName('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe('Vulkan 1.3.0 (SwiftShader Device (Subzero))');
  });

  it('leaves a plain name as it is, spaces tidied', () => {
    expect(shortDeviceName('  apple   metal-3 ')).toBe('apple metal-3');
    expect(shortDeviceName('google swiftshader')).toBe('google swiftshader');
  });

  it('caps a long name with an ellipsis', () => {
    const shown = shortDeviceName('a'.repeat(80));
    expect(shown).toHaveLength(48);
    expect(shown.endsWith('…')).toBe(true);
  });
});
