// MLWATCH_HOST_DEVICE marks small functions that the CPU kernels and the CUDA kernels share (one
// definition of each piece of arithmetic): __host__ __device__ under nvcc, nothing under g++.
#pragma once

#if defined(__CUDACC__)
#define MLWATCH_HOST_DEVICE __host__ __device__
#else
#define MLWATCH_HOST_DEVICE
#endif
