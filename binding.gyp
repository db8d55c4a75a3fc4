{
  "targets": [
    {
      "target_name": "mlwatch",
      "sources": [
        "native/addon/arrow_labels_binding.cc",
        "native/addon/arrow_numbers_binding.cc",
        "native/addon/column_stats_binding.cc",
        "native/addon/csv_columns_binding.cc",
        "native/addon/cuda_device_binding.cc",
        "native/addon/dense_binding.cc",
        "native/addon/gather_rows_binding.cc",
        "native/addon/ecdf_distances_binding.cc",
        "native/addon/info_binding.cc",
        "native/addon/json_number_arrays_binding.cc",
        "native/addon/ks_distance_binding.cc",
        "native/addon/module.cc",
        "native/addon/quantiles_binding.cc",
        "native/addon/row_mask_binding.cc",
        "native/addon/sketch_bins_binding.cc",
        "native/addon/smirnov_binding.cc",
        "native/addon/sort_and_measure_binding.cc",
        "native/addon/sort_arrays_binding.cc",
        "native/addon/sort_columns_binding.cc",
        "native/addon/sorted_runs_binding.cc",
        "native/addon/wasserstein_distance_binding.cc",
        "native/kernels/arrow_labels.cc",
        "native/kernels/arrow_numbers.cc",
        "native/kernels/column_stats.cc",
        "native/kernels/column_stats_avx2.cc",
        "native/kernels/cpu_features.cc",
        "native/kernels/csv_columns.cc",
        "native/kernels/dense.cc",
        "native/kernels/dense_avx2.cc",
        "native/kernels/ecdf_distances.cc",
        "native/kernels/gather_rows.cc",
        "native/kernels/json_number_arrays.cc",
        "native/kernels/ks_distance.cc",
        "native/kernels/quantiles.cc",
        "native/kernels/radix_sort.cc",
        "native/kernels/row_mask.cc",
        "native/kernels/sketch_bins.cc",
        "native/kernels/smirnov.cc",
        "native/kernels/sort_columns.cc",
        "native/kernels/sorted_runs.cc",
        "native/kernels/thread_pool.cc",
        "native/kernels/usable_cores.cc",
        "native/kernels/wasserstein_distance.cc",
        "native/cuda/cuda_stub.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1 }
      }
    }
  ]
}
