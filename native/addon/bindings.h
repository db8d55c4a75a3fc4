// Every function the addon exports; module.cc registers them under these names.
#pragma once

#include <napi.h>

namespace mlwatch_addon {

Napi::Value ColumnStats(const Napi::CallbackInfo& info);
Napi::Value ColumnStatsAsync(const Napi::CallbackInfo& info);
Napi::Value Quantiles(const Napi::CallbackInfo& info);
Napi::Value SketchBins(const Napi::CallbackInfo& info);
Napi::Value DenseForward(const Napi::CallbackInfo& info);
Napi::Value DenseForwardAsync(const Napi::CallbackInfo& info);
Napi::Value ArgmaxRows(const Napi::CallbackInfo& info);
Napi::Value SortColumns(const Napi::CallbackInfo& info);
Napi::Value SortColumnsAsync(const Napi::CallbackInfo& info);
Napi::Value EcdfDistances(const Napi::CallbackInfo& info);
Napi::Value EcdfDistancesAsync(const Napi::CallbackInfo& info);
Napi::Value Info(const Napi::CallbackInfo& info);

}  // namespace mlwatch_addon
