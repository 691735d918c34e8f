/**
 * RRDBNet upscale models (ESRGAN, Real-ESRGAN x4plus/x2plus): key layouts, the ONNX graph builder,
 * the cached conversion and the tiling plan that bounds memory at large sizes.
 */
export { outputScale, REAL_ESRGAN_X2PLUS, REAL_ESRGAN_X4PLUS, rrdbnetTensors, type RrdbnetConfig } from './rrdbnet-config.ts';
export { esrganName, readRrdbnetLayout, type RrdbnetLayout } from './rrdbnet-layout.ts';
export { passthroughRrdbnetTensors, seededRrdbnetTensors, toEsrganLayout } from './rrdbnet-weights.ts';
export { buildRrdbnet, RRDBNET_IO, type RrdbnetWeights } from './rrdbnet.ts';
export { convertUpscaleModel, type ConvertedUpscaleModel, type UpscaleModelFiles } from './convert-upscale-model.ts';
export { listUpscaleModels, resolveUpscaleModel, upscaleModelPath, UPSCALE_MODELS_DIR } from './upscale-models.ts';
export { autoTileSize, planTiles, TileBlender, type Tile } from './tiles.ts';
