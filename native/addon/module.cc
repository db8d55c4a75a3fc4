// Module init: exports the kernels. Exceptions thrown by argument checks become JS errors
// (node-addon-api is built with C++ exceptions enabled).
#include <napi.h>

#include "addon/bindings.h"

namespace mlwatch_addon {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("columnStats", Napi::Function::New(env, ColumnStats, "columnStats"));
  exports.Set("columnStatsAsync", Napi::Function::New(env, ColumnStatsAsync, "columnStatsAsync"));
  exports.Set("quantiles", Napi::Function::New(env, Quantiles, "quantiles"));
  exports.Set("sketchBins", Napi::Function::New(env, SketchBins, "sketchBins"));
  exports.Set("denseForward", Napi::Function::New(env, DenseForward, "denseForward"));
  exports.Set("denseForwardAsync", Napi::Function::New(env, DenseForwardAsync, "denseForwardAsync"));
  exports.Set("argmaxRows", Napi::Function::New(env, ArgmaxRows, "argmaxRows"));
  exports.Set("sortColumns", Napi::Function::New(env, SortColumns, "sortColumns"));
  exports.Set("sortColumnsAsync", Napi::Function::New(env, SortColumnsAsync, "sortColumnsAsync"));
  exports.Set("ecdfDistances", Napi::Function::New(env, EcdfDistances, "ecdfDistances"));
  exports.Set("ecdfDistancesAsync", Napi::Function::New(env, EcdfDistancesAsync, "ecdfDistancesAsync"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  return exports;
}

NODE_API_MODULE(mlwatch, Init)

}  // namespace mlwatch_addon
