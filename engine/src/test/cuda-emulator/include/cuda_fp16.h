// The emulator's stand-in for CUDA's cuda_fp16.h: everything lives in emu_device.h.
#pragma once
#include "emu_device.h"
