// SpecScope's CUDA emulator: a libcuda.so.1 with the part of the CUDA driver API that SpecScope
// calls, which runs the project's own kernels (specscope_kernels.cu, compiled by g++ against
// emu_device.h) on the host CPU. JCuda's native library links libcuda.so.1, so a JVM started
// with this library first on LD_LIBRARY_PATH drives the real CudaBackend and CudaModelRunner
// (argument packing, grid shapes, buffer sizes, copies, KV cache moves) against the real kernel
// code, on a machine without a GPU. It proves the orchestration and the kernels' arithmetic;
// it proves nothing about speed, and nothing about what only hardware decides (the memory model's
// ordering between blocks, warp scheduling beyond the two orders below): that still needs a GPU run
// (docs/gpu-checks.md).
//
// What it checks that a GPU would also refuse or crash on, but with a message naming the cause:
// launch limits (block size, grid y/z, shared memory), device pointers outside any allocation
// (kernel pointer arguments, copies, memsets), and reads or writes past an allocation's end
// (every allocation ends at a guard page, so the process stops at the faulting kernel line).
// Misaligned accesses stop the process with the kernel line that made them, as a GPU would fault:
// vector loads and stores (float4, uint4, whose copies check their addresses in emu_device.h),
// and tensor-core tiles (32-byte pointers, 16-byte strides) in mma.h. A deadlock (threads of a block waiting at
// different barriers) fails the launch, and so does a thread that returns without
// grid_dependency_sync (griddepcontrol.wait), which programmatic dependent launches rely on
// (cuLaunchKernelEx takes that one attribute). Alternate blocks run their threads in opposite
// orders (first to last, last to first), so that a read of another thread's write with no
// barrier between them sees its result in one order and not the other: a missing barrier changes
// the output, and the tests' comparisons fail. Stream capture
// records launches (with copies of their arguments) for graphs to replay; a copy, allocation or
// synchronisation during a capture invalidates it, as the driver's thread-local mode does.
//
// Why hand-written: no maintained CUDA-on-CPU emulator exists for the driver API (Ocelot is
// abandoned; chipStar needs an OpenCL/Level Zero stack). Fibers with a six-register context
// switch make a barrier cost nanoseconds, where OS threads per CUDA thread would cost
// microseconds and make even a small model's pass take minutes.

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

// ---- the kernels, compiled for the host -------------------------------------------------------

#include "kernels.cu.inc"

// ---- driver API types (ABI-compatible with cuda.h) --------------------------------------------

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
struct EmuContext {
    int id;
};
struct EmuModule {
    const unsigned char* image;
};
struct EmuGraph;
struct EmuStream {
    int id;
    EmuGraph* capturing;   // the graph cuLaunchKernel appends to while the stream is captured, else null
    bool invalidated;      // a capture-unsafe call happened during the capture
};
struct EmuEvent {
    std::chrono::steady_clock::time_point at;
};
struct EmuFunction;
typedef EmuContext* CUcontext;
typedef EmuModule* CUmodule;
typedef EmuFunction* CUfunction;
typedef EmuStream* CUstream;
typedef EmuEvent* CUevent;
typedef EmuGraph* CUgraph;
typedef EmuGraph* CUgraphExec;   // an instantiated graph is a copy of the captured one

enum : int {
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_NOT_SUPPORTED = 801,
    CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
    CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901,
    CUDA_ERROR_ILLEGAL_STATE = 401,
};

namespace {

constexpr const char* DEVICE_NAME = "SpecScope CUDA emulator (host CPU, no GPU)";
constexpr int DRIVER_VERSION = 13000;             // what the committed fatbin asks for
constexpr size_t DEVICE_MEMORY = 16ull << 30;     // reported total; allocations are host memory
constexpr int MAX_BLOCK_THREADS = 1024;
constexpr unsigned MAX_GRID_YZ = 65535;
constexpr unsigned MAX_SHARED_BYTES = 48 * 1024;  // dynamic shared memory without an opt-in
constexpr size_t FIBER_STACK = 64 * 1024;

void complain(const char* format, ...) {
    va_list args;
    va_start(args, format);
    std::fprintf(stderr, "[cuda-emulator] ");
    std::vfprintf(stderr, format, args);
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
    va_end(args);
}

// ---- device memory: host pages, each allocation ending at a guard page -------------------------

struct Allocation {
    void* mapping;
    size_t mapping_bytes;
    size_t bytes;
};

class DeviceMemory {
public:
    CUresult allocate(CUdeviceptr* out, size_t bytes) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        size_t rounded = (bytes + 255) / 256 * 256;   // device allocations are 256-byte aligned
        size_t body = (rounded + page - 1) / page * page;
        size_t total = body + 2 * page;               // a guard page before and after
        void* m = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
        char* base = static_cast<char*>(m);
        mprotect(base, page, PROT_NONE);
        mprotect(base + page + body, page, PROT_NONE);
        // The allocation ends where the rear guard page begins, so a read one 256-byte granule
        // past its end faults.
        char* start = base + page + body - rounded;
        std::lock_guard<std::mutex> lock(mutex_);
        live_[(CUdeviceptr)start] = Allocation{m, total, bytes};
        in_use_ += rounded;
        *out = (CUdeviceptr)start;
        return CUDA_SUCCESS;
    }

    CUresult release(CUdeviceptr p) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = live_.find(p);
        if (it == live_.end()) {
            complain("cuMemFree of 0x%llx, which is not the start of a live allocation", p);
            return CUDA_ERROR_INVALID_VALUE;
        }
        in_use_ -= (it->second.bytes + 255) / 256 * 256;
        munmap(it->second.mapping, it->second.mapping_bytes);
        live_.erase(it);
        return CUDA_SUCCESS;
    }

    /** Whether [p, p + bytes) lies inside one live allocation. */
    bool contains(CUdeviceptr p, size_t bytes) { return bytes <= remaining(p); }

    /** Bytes from p to the end of its allocation (0 when p is in none). */
    size_t remaining(CUdeviceptr p) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = live_.upper_bound(p);
        if (it == live_.begin()) return 0;
        --it;
        return p >= it->first && p < it->first + it->second.bytes ? it->first + it->second.bytes - p : 0;
    }

    size_t in_use() {
        std::lock_guard<std::mutex> lock(mutex_);
        return in_use_;
    }

private:
    std::mutex mutex_;
    std::map<CUdeviceptr, Allocation> live_;
    size_t in_use_ = 0;
};

DeviceMemory memory;
DeviceMemory pinned;   // page-locked host memory (cuMemAllocHost): the same guarded pages

}  // namespace

// ---- fibers: the threads of one block ----------------------------------------------------------

extern "C" void emu_switch(void** save_sp, void* load_sp);
extern "C" void emu_fiber_start();

// Saves the callee-saved registers and the stack pointer of the running context in *save_sp,
// then resumes the context whose stack pointer is load_sp (System V x86-64).
asm(R"(
    .text
    .globl emu_switch
    .hidden emu_switch
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch

    .globl emu_fiber_start
    .hidden emu_fiber_start
    .type emu_fiber_start, @function
emu_fiber_start:
    movq %rbx, %rdi
    andq $-16, %rsp
    call emu_fiber_main
    ud2
    .size emu_fiber_start, .-emu_fiber_start
)");

namespace emu {

EMU_FAST_TLS FiberIndex* current_index;
EMU_FAST_TLS dim3 block_idx, block_dim, grid_dim;
EMU_FAST_TLS void* dynamic_shared;

struct Fiber {
    FiberIndex index;
    void* sp = nullptr;
    int lane = 0, warp = 0;
    bool done = false;
    int waiting_scope = -1;      // -1: runnable; else the barrier scope it waits at
    uint64_t waiting_for = 0;    // ...until that scope's generation passes this
    unsigned shuffles = 0;       // which exchange buffer the next shuffle uses
    bool synced = false;         // called grid_dependency_wait (griddepcontrol.wait)
    int barriers = 0;            // the block barriers (__syncthreads) it has reached
    char* stack = nullptr;
};

// One block's threads and barriers, run on one OS thread. Scope w < warps is warp w's barrier;
// scope `warps` is the block's.
class Block {
public:
    std::function<void()> body;
    std::vector<Fiber> fibers;   // never shrinks: each keeps its mapped stack for the next block
    int count = 0;               // the threads of the running block: fibers[0 .. count)
    std::vector<int> live, arrived;
    std::vector<uint64_t> generation;
    std::vector<uint64_t> exchange;   // [warp][2][32]
    void* scheduler_sp = nullptr;
    Fiber* running = nullptr;
    bool last_first = false;     // this block runs its threads from the last to the first
    int warps = 0;
    int finished = 0;
    int unsynced = 0;            // threads that returned without grid_dependency_wait

    void reset(int threads, bool reversed) {
        unsynced = 0;
        last_first = reversed;
        warps = (threads + 31) / 32;
        count = threads;
        if ((int)fibers.size() < threads) fibers.resize(threads);
        live.assign(warps + 1, 0);
        arrived.assign(warps + 1, 0);
        generation.assign(warps + 1, 0);
        exchange.assign((size_t)warps * 64, 0);
        for (int t = 0; t < threads; t++) {
            Fiber& f = fibers[t];
            if (f.stack == nullptr) {
                f.stack = static_cast<char*>(mmap(nullptr, FIBER_STACK, PROT_READ | PROT_WRITE,
                                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
                if (f.stack == MAP_FAILED) {
                    complain("cannot map a fiber stack");
                    std::abort();
                }
            }
            f.index.thread_idx = dim3{(unsigned)t, 0, 0};
            f.lane = t & 31;
            f.warp = t >> 5;
            f.done = false;
            f.waiting_scope = -1;
            f.shuffles = 0;
            f.synced = false;
            f.barriers = 0;
            live[f.warp]++;
            live[warps]++;
            // The first switch into the fiber pops six zeroed registers (rbx = the fiber) and
            // returns into emu_fiber_start.
            uint64_t* sp = reinterpret_cast<uint64_t*>(f.stack + FIBER_STACK);
            *--sp = 0;
            *--sp = reinterpret_cast<uint64_t>(&emu_fiber_start);
            *--sp = 0;                                  // rbp
            *--sp = reinterpret_cast<uint64_t>(&f);     // rbx
            *--sp = 0;                                  // r12
            *--sp = 0;                                  // r13
            *--sp = 0;                                  // r14
            *--sp = 0;                                  // r15
            f.sp = sp;
        }
    }

    /** Runs every fiber to its end; false on a deadlock. */
    bool run() {
        finished = 0;
        resume(fibers[last_first ? count - 1 : 0], scheduler_sp);
        // Back here when no fiber can run: all have finished, or the rest wait at barriers that
        // can never open.
        return finished == count;
    }

    void arrive(int scope) {
        Fiber& f = *running;
        f.waiting_for = generation[scope];
        if (++arrived[scope] == live[scope]) {
            release(scope);
            return;   // the last to arrive goes on at once
        }
        f.waiting_scope = scope;
        switch_away(f);
    }

    // Switches from f (blocked or finished) straight to the next runnable fiber in the block's
    // order, or to the scheduler when there is none. In lock-step code (every lane reaching the
    // same shuffle) the next one is always runnable, so a barrier costs one context switch per
    // thread.
    void switch_away(Fiber& f) {
        size_t n = (size_t)count;
        size_t i = (size_t)(&f - fibers.data());
        for (size_t k = 1; k <= n; k++) {
            if (last_first) i = (i == 0 ? n : i) - 1;
            else if (++i == n) i = 0;
            Fiber& next = fibers[i];
            if (!next.done && (next.waiting_scope < 0 || generation[next.waiting_scope] > next.waiting_for)) {
                resume(next, f.sp);
                return;
            }
        }
        emu_switch(&f.sp, scheduler_sp);
    }

    void resume(Fiber& next, void*& save_sp) {
        next.waiting_scope = -1;
        running = &next;
        current_index = &next.index;
        emu_switch(&save_sp, next.sp);
    }

    void release(int scope) {
        arrived[scope] = 0;
        generation[scope]++;
    }

    void finish() {
        Fiber& f = *running;
        f.done = true;
        finished++;
        if (!f.synced) unsynced++;
        for (int scope : {f.warp, warps}) {
            live[scope]--;
            // Threads that have returned no longer hold a barrier back (as on current GPUs).
            if (arrived[scope] > 0 && arrived[scope] == live[scope]) release(scope);
        }
        switch_away(f);
    }
};

EMU_FAST_TLS Block* current_block;
// The kernel the OS thread's block belongs to, and the one kernel whose threads' waits are not
// recorded (specscope_emulator_skip_grid_dependency_wait: how a test shows that a kernel without
// its wait fails a programmatic launch).
EMU_FAST_TLS const char* running_kernel;
std::atomic<const char*> skip_wait_kernel{nullptr};
// specscope_emulator_skip_barrier: the kernel whose n-th block barrier (1-based, counted per
// thread) its threads pass without waiting, to show what a missing barrier does.
std::atomic<const char*> skip_barrier_kernel{nullptr};
std::atomic<int> skip_barrier_ordinal{0};

// Whether a test hook names the running kernel.
bool hook_names_running_kernel(const std::atomic<const char*>& hook) {
    const char* kernel = hook.load(std::memory_order_relaxed);
    return kernel != nullptr && std::strcmp(kernel, running_kernel) == 0;
}

void grid_dependency_wait() {
    if (hook_names_running_kernel(skip_wait_kernel)) return;
    current_block->running->synced = true;
}

// Stops the process where a GPU would fault, naming the kernel, block and thread, then the cause.
[[noreturn]] __attribute__((format(printf, 1, 2))) void fault(const char* format, ...) {
    char cause[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(cause, sizeof cause, format, args);
    va_end(args);
    complain("%s, block (%u,%u,%u), thread %u: %s (a GPU faults here)", running_kernel, block_idx.x, block_idx.y,
             block_idx.z, current_index->thread_idx.x, cause);
    std::abort();
}

void misaligned_vector(const void* p) {
    fault("misaligned address: a 16-byte vector load or store at %p", p);
}

void misaligned_tile(const char* operation, const void* p, unsigned stride_bytes) {
    fault("misaligned tile: %s of a tile at %p with rows %u bytes apart, where the device needs a 32-byte aligned "
          "pointer and rows a multiple of 16 bytes apart",
          operation, p, stride_bytes);
}

void prefetch_l2(const void* p, long long bytes) {
    if (bytes > 0 && !memory.contains((CUdeviceptr)p, (size_t)bytes))
        fault("a prefetch of %lld bytes at %p runs past its allocation (%zu bytes left there)", bytes, p,
              memory.remaining((CUdeviceptr)p));
}

void sync_block() {
    Block& b = *current_block;
    int ordinal = ++b.running->barriers;
    if (ordinal == skip_barrier_ordinal.load(std::memory_order_relaxed) && hook_names_running_kernel(skip_barrier_kernel))
        return;
    b.arrive(b.warps);
}

void sync_warp() { current_block->arrive(current_block->running->warp); }

uint64_t exchange_xor(uint64_t mine, int lane_mask) {
    Block& b = *current_block;
    Fiber& f = *b.running;
    // Two buffers, alternating: a lane that runs ahead into the next shuffle writes the other
    // buffer, never the one a slower lane has still to read.
    uint64_t* slots = &b.exchange[((size_t)f.warp * 2 + (f.shuffles++ & 1)) * 32];
    slots[f.lane] = mine;
    b.arrive(f.warp);
    int source = f.lane ^ lane_mask;
    int width = b.count - f.warp * 32;
    return source < width ? slots[source] : mine;
}

}  // namespace emu

extern "C" __attribute__((used)) void emu_fiber_main(emu::Fiber* /*self*/) {
    emu::current_block->body();
    emu::current_block->finish();
    __builtin_unreachable();
}

// ---- the kernel table --------------------------------------------------------------------------

struct EmuFunction {
    const char* name;
    // Runs one block; the parameters come as CUDA passes them, an array of pointers to values.
    std::function<void(void**)> call;
    std::function<bool(void**, std::string&)> check_pointers;
    // The first non-finite value in a float output (a non-const float* argument), if any.
    std::function<bool(void**, std::string&)> find_non_finite;
    // A copy of a launch's argument values, as a graph keeps them (the caller's may change after).
    std::function<std::shared_ptr<void>(void**, std::vector<void*>&)> keep_params;
};

// A captured kernel launch.
struct EmuLaunch {
    EmuFunction* function;
    unsigned grid_x, grid_y, grid_z, block_x, shared_bytes;
    std::shared_ptr<void> values;   // the argument values
    std::vector<void*> params;      // pointers into values, as cuLaunchKernel takes them
};

struct EmuGraph {
    std::vector<EmuLaunch> launches;
};

namespace {

template <typename... A, size_t... I>
void invoke(void (*kernel)(A...), void** params, std::index_sequence<I...>) {
    kernel(*static_cast<std::remove_cv_t<A>*>(params[I])...);
}

template <typename A>
bool pointer_ok(void* param, int index, std::string& why) {
    if constexpr (std::is_pointer_v<A>) {
        CUdeviceptr p = *static_cast<CUdeviceptr*>(param);
        if (p != 0 && !memory.contains(p, 1)) {
            why = "argument " + std::to_string(index) + " (a pointer) is 0x" + [&] {
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%llx", p);
                return std::string(buffer);
            }() + ", inside no device allocation";
            return false;
        }
    }
    return true;
}

template <typename... A, size_t... I>
bool check_all(void (*)(A...), void** params, std::string& why, std::index_sequence<I...>) {
    return (pointer_ok<A>(params[I], (int)I, why) && ...);
}

template <typename A>
bool finite_output(void* param, int index, std::string& where) {
    if constexpr (std::is_same_v<A, float*> || std::is_same_v<A, const float*>) {
        CUdeviceptr p = *static_cast<CUdeviceptr*>(param);
        if (p == 0) return true;
        const float* values = reinterpret_cast<const float*>(p);
        size_t count = memory.remaining(p) / sizeof(float);
        for (size_t i = 0; i < count; i++) {
            if (!std::isfinite(values[i])) {
                where = "argument " + std::to_string(index) + " (float*) holds " + std::to_string(values[i])
                        + " at element " + std::to_string(i);
                return false;
            }
        }
    }
    return true;
}

template <typename... A, size_t... I>
bool finite_all(void (*)(A...), void** params, std::string& where, std::index_sequence<I...>) {
    return (finite_output<A>(params[I], (int)I, where) && ...);
}

template <typename... A, size_t... I>
std::shared_ptr<void> keep_all(void (*)(A...), void** params, std::vector<void*>& pointers,
                               std::index_sequence<I...>) {
    auto values = std::make_shared<std::tuple<std::remove_cv_t<A>...>>(*static_cast<std::remove_cv_t<A>*>(params[I])...);
    pointers = {static_cast<void*>(&std::get<I>(*values))...};
    return values;
}

template <typename... A>
EmuFunction make_function(const char* name, void (*kernel)(A...)) {
    return EmuFunction{
        name,
        [kernel](void** params) { invoke(kernel, params, std::index_sequence_for<A...>{}); },
        [kernel](void** params, std::string& why) {
            return check_all(kernel, params, why, std::index_sequence_for<A...>{});
        },
        [kernel](void** params, std::string& where) {
            return finite_all(kernel, params, where, std::index_sequence_for<A...>{});
        },
        [kernel](void** params, std::vector<void*>& pointers) {
            return keep_all(kernel, params, pointers, std::index_sequence_for<A...>{});
        }};
}

std::vector<EmuFunction>& kernel_table() {
#define EMU_KERNEL(name) make_function(#name, &name),
    static std::vector<EmuFunction> table = {
#include "kernel_table.inc"
    };
#undef EMU_KERNEL
    return table;
}

// ---- blocks over the host's cores --------------------------------------------------------------

class BlockPool {
public:
    BlockPool() {
        unsigned n = std::thread::hardware_concurrency();
        for (unsigned i = 0; i < (n == 0 ? 1 : n); i++) workers_.emplace_back([this] { work(); });
    }

    /** Runs blocks 0 .. count - 1 through run_block on every worker; returns when all are done. */
    void run(long long count, const std::function<bool(long long)>& run_block, bool& ok) {
        std::unique_lock<std::mutex> lock(mutex_);
        job_ = &run_block;
        next_.store(0);
        count_ = count;
        failed_.store(false);
        busy_ = (int)workers_.size();
        round_++;
        wake_.notify_all();
        done_.wait(lock, [this] { return busy_ == 0; });
        job_ = nullptr;
        ok = !failed_.load();
    }

private:
    void work() {
        uint64_t seen = 0;
        while (true) {
            const std::function<bool(long long)>* job;
            long long count;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return round_ != seen; });
                seen = round_;
                job = job_;
                count = count_;
            }
            for (long long b; !failed_.load() && (b = next_.fetch_add(1)) < count;) {
                if (!(*job)(b)) failed_.store(true);
            }
            std::lock_guard<std::mutex> lock(mutex_);
            if (--busy_ == 0) done_.notify_all();
        }
    }

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<bool(long long)>* job_ = nullptr;
    std::atomic<long long> next_{0};
    long long count_ = 0;
    std::atomic<bool> failed_{false};
    int busy_ = 0;
    uint64_t round_ = 0;
};

BlockPool& pool() {
    static BlockPool* p = new BlockPool();   // never destroyed: its threads outlive static destruction
    return *p;
}

std::mutex launch_mutex;   // one launch at a time: the device runs one stream in order

// SPECSCOPE_CUDA_EMULATOR_STATS=1: at exit, the launches and the time spent inside cuLaunchKernel,
// so that a caller's own time per launch (JCuda's argument marshalling, say) can be told apart.
struct LaunchStats {
    std::atomic<long long> launches{0}, nanos{0}, programmatic{0};
    ~LaunchStats() {
        if (std::getenv("SPECSCOPE_CUDA_EMULATOR_STATS") != nullptr && launches.load() > 0) {
            complain("%lld launches (%lld programmatic), %.3f s inside cuLaunchKernel (%.2f us each)", launches.load(),
                     programmatic.load(), nanos.load() / 1e9, nanos.load() / 1e3 / launches.load());
        }
    }
};
LaunchStats launch_stats;
bool initialised = false;
std::atomic<bool> refuse_programmatic_capture{false};   // specscope_emulator_refuse_programmatic_capture
std::atomic<int> thread_orders{0};                       // specscope_emulator_thread_orders
std::atomic<long long> allocation_room{-1};              // specscope_emulator_allocation_room
std::atomic<size_t> room_base{0};
EmuContext primary_context{0};
EmuModule loaded_module{nullptr};
EmuStream the_stream{0, nullptr, false};

// A synchronous copy, an allocation or a synchronisation while the stream is captured: the driver
// refuses it and invalidates the capture (thread-local mode), so the emulator does too, and code
// that would fail on a GPU fails here.
bool capture_unsafe(const char* call) {
    if (the_stream.capturing == nullptr) return false;
    the_stream.invalidated = true;
    complain("%s during a stream capture: not allowed (the capture is invalidated)", call);
    return true;
}

bool in_device(CUdeviceptr p, size_t bytes, const char* call) {
    if (bytes == 0 || memory.contains(p, bytes)) return true;
    complain("%s: [0x%llx, +%zu bytes) is not inside one device allocation", call, p, bytes);
    return false;
}

// Runs one launch to completion (cuLaunchKernel's work, and each node of cuGraphLaunch's).
CUresult run_launch(CUfunction function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
                    unsigned shared_bytes, void** params);

}  // namespace

// ---- the driver API ----------------------------------------------------------------------------

extern "C" {

CUresult cuInit(unsigned int) {
    initialised = true;
    return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int* version) {
    *version = DRIVER_VERSION;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
    if (!initialised) return CUDA_ERROR_NOT_INITIALIZED;
    *count = 1;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (!initialised) return CUDA_ERROR_NOT_INITIALIZED;
    if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE;
    *device = 0;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int length, CUdevice device) {
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    std::snprintf(name, (size_t)length, "%s", DEVICE_NAME);
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice device) {
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    switch (attribute) {
        case 1: *value = MAX_BLOCK_THREADS; return CUDA_SUCCESS;                   // max threads per block
        case 16: *value = (int)std::thread::hardware_concurrency(); return CUDA_SUCCESS;   // multiprocessors
        case 75: *value = 9; return CUDA_SUCCESS;                                  // compute capability 9.0,
        case 76: *value = 0; return CUDA_SUCCESS;                                  // as the sm_90 image needs
        default:
            complain("cuDeviceGetAttribute(%d) is not emulated", attribute);
            return CUDA_ERROR_NOT_SUPPORTED;
    }
}

CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice device) {
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    *major = 9;
    *minor = 0;
    return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device) {
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    *bytes = DEVICE_MEMORY;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device) {
    if (!initialised) return CUDA_ERROR_NOT_INITIALIZED;
    if (device != 0) return CUDA_ERROR_INVALID_DEVICE;
    *context = &primary_context;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) { return device == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE; }

CUresult cuCtxSetCurrent(CUcontext context) {
    return context == &primary_context || context == nullptr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult cuCtxGetCurrent(CUcontext* context) {
    *context = &primary_context;
    return CUDA_SUCCESS;
}

CUresult cuCtxSynchronize() { return CUDA_SUCCESS; }

CUresult cuModuleLoadData(CUmodule* module, const void* image) {
    // The JVM must hand over nvcc's fatbin (magic 0xBA55ED50), the image a GPU would load.
    uint32_t magic = 0;
    std::memcpy(&magic, image, sizeof magic);
    if (magic != 0xBA55ED50u) {
        complain("cuModuleLoadData: the image is not a fatbin (magic 0x%08x)", magic);
        return CUDA_ERROR_INVALID_IMAGE;
    }
    loaded_module.image = static_cast<const unsigned char*>(image);
    *module = &loaded_module;
    return CUDA_SUCCESS;
}

CUresult cuModuleUnload(CUmodule module) { return module == &loaded_module ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE; }

CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name) {
    if (module != &loaded_module) return CUDA_ERROR_INVALID_HANDLE;
    for (EmuFunction& f : kernel_table()) {
        if (std::strcmp(f.name, name) == 0) {
            *function = &f;
            return CUDA_SUCCESS;
        }
    }
    complain("cuModuleGetFunction: no kernel named %s", name);
    return CUDA_ERROR_NOT_FOUND;
}

CUresult cuStreamCreate(CUstream* stream, unsigned int) {
    *stream = &the_stream;
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream) { return CUDA_SUCCESS; }

// Launches run to completion before cuLaunchKernel returns, so a stream is always idle.
CUresult cuStreamSynchronize(CUstream) {
    return capture_unsafe("cuStreamSynchronize") ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr* pointer, size_t bytes) {
    if (capture_unsafe("cuMemAlloc")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    long long room = allocation_room.load();
    if (room >= 0 && memory.in_use() + (bytes + 255) / 256 * 256 > room_base.load() + (size_t)room) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    return memory.allocate(pointer, bytes);
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
    if (capture_unsafe("cuMemFree")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    return memory.release(pointer);
}

// Page-locked host memory: guarded host pages, as device memory is, so that a copy past its end
// is refused by name (and a kernel-free overrun faults).
CUresult cuMemAllocHost_v2(void** pointer, size_t bytes) {
    if (capture_unsafe("cuMemAllocHost")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
    CUdeviceptr p = 0;
    CUresult r = pinned.allocate(&p, bytes);
    *pointer = reinterpret_cast<void*>(p);
    return r;
}

CUresult cuMemFreeHost(void* pointer) {
    if (capture_unsafe("cuMemFreeHost")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    return pinned.release((CUdeviceptr)pointer);
}

CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
    *total = DEVICE_MEMORY;
    size_t used = memory.in_use();
    *free = used >= DEVICE_MEMORY ? 0 : DEVICE_MEMORY - used;
    return CUDA_SUCCESS;
}

CUresult cuMemsetD8_v2(CUdeviceptr pointer, unsigned char value, size_t count) {
    if (capture_unsafe("cuMemsetD8")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (!in_device(pointer, count, "cuMemsetD8")) return CUDA_ERROR_INVALID_VALUE;
    std::memset(reinterpret_cast<void*>(pointer), value, count);
    return CUDA_SUCCESS;
}

CUresult cuMemsetD32_v2(CUdeviceptr pointer, unsigned int value, size_t count) {
    if (capture_unsafe("cuMemsetD32")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (pointer % 4 != 0 || !in_device(pointer, count * 4, "cuMemsetD32")) return CUDA_ERROR_INVALID_VALUE;
    unsigned int* words = reinterpret_cast<unsigned int*>(pointer);
    for (size_t i = 0; i < count; i++) words[i] = value;
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr destination, const void* source, size_t bytes) {
    if (capture_unsafe("cuMemcpyHtoD")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (!in_device(destination, bytes, "cuMemcpyHtoD")) return CUDA_ERROR_INVALID_VALUE;
    std::memcpy(reinterpret_cast<void*>(destination), source, bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void* destination, CUdeviceptr source, size_t bytes) {
    if (capture_unsafe("cuMemcpyDtoH")) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (!in_device(source, bytes, "cuMemcpyDtoH")) return CUDA_ERROR_INVALID_VALUE;
    size_t room = pinned.remaining((CUdeviceptr)destination);
    if (room > 0 && room < bytes) {
        complain("cuMemcpyDtoH of %zu bytes into page-locked memory with %zu bytes left", bytes, room);
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::memcpy(destination, reinterpret_cast<const void*>(source), bytes);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void* source, size_t bytes, CUstream) {
    return cuMemcpyHtoD_v2(destination, source, bytes);
}

CUresult cuMemcpyDtoHAsync_v2(void* destination, CUdeviceptr source, size_t bytes, CUstream) {
    return cuMemcpyDtoH_v2(destination, source, bytes);
}

CUresult cuEventCreate(CUevent* event, unsigned int) {
    *event = new EmuEvent{std::chrono::steady_clock::now()};
    return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent event, CUstream) {
    event->at = std::chrono::steady_clock::now();
    return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent) { return CUDA_SUCCESS; }

CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end) {
    *ms = std::chrono::duration<float, std::milli>(end->at - start->at).count();
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent event) {
    delete event;
    return CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult, const char** name) {
    *name = "CUDA_ERROR (emulator)";
    return CUDA_SUCCESS;
}

CUresult cuGetErrorString(CUresult, const char** text) {
    *text = "an error reported by the CUDA emulator (see its stderr)";
    return CUDA_SUCCESS;
}

}  // extern "C"

namespace {

// cuLaunchKernel's and cuLaunchKernelEx's work: checks the launch, then records it (during a
// capture) or runs it.
CUresult launch_kernel(CUfunction function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
                       unsigned block_y, unsigned block_z, unsigned shared_bytes, void** params, void** extra) {
    if (function == nullptr || params == nullptr || extra != nullptr) return CUDA_ERROR_INVALID_VALUE;
    auto started = std::chrono::steady_clock::now();
    struct Count {
        std::chrono::steady_clock::time_point from;
        ~Count() {
            launch_stats.launches++;
            launch_stats.nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - from).count();
        }
    } count{started};
    const char* name = function->name;
    if (block_y != 1 || block_z != 1) {
        complain("%s: a %ux%ux%u block; SpecScope's kernels use one-dimensional blocks", name, block_x, block_y, block_z);
        return CUDA_ERROR_NOT_SUPPORTED;
    }
    if (block_x == 0 || block_x > (unsigned)MAX_BLOCK_THREADS || grid_x == 0 || grid_y == 0 || grid_z == 0
        || grid_y > MAX_GRID_YZ || grid_z > MAX_GRID_YZ || grid_x > 0x7fffffffu) {
        complain("%s: grid %ux%ux%u of blocks of %u threads exceeds the device's limits", name, grid_x, grid_y, grid_z,
                 block_x);
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (shared_bytes > MAX_SHARED_BYTES) {
        complain("%s: %u bytes of dynamic shared memory (the limit without an opt-in is %u)", name, shared_bytes,
                 MAX_SHARED_BYTES);
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (the_stream.capturing != nullptr) {   // recorded, run at each cuGraphLaunch
        // After a failed call the driver refuses the rest of the capture too.
        if (the_stream.invalidated) return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
        EmuLaunch launch{function, grid_x, grid_y, grid_z, block_x, shared_bytes, nullptr, {}};
        launch.values = function->keep_params(params, launch.params);
        the_stream.capturing->launches.push_back(std::move(launch));
        return CUDA_SUCCESS;
    }
    return run_launch(function, grid_x, grid_y, grid_z, block_x, shared_bytes, params);
}

// Points a kernel-name hook at a copy of kernel, kept in kept, or clears it (kernel null).
void set_kernel_hook(std::atomic<const char*>& hook, std::string& kept, const char* kernel) {
    hook.store(nullptr);   // before kept changes under it
    if (kernel == nullptr) return;
    kept = kernel;
    hook.store(kept.c_str());
}

}  // namespace

extern "C" {

CUresult cuLaunchKernel(CUfunction function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
                        unsigned block_y, unsigned block_z, unsigned shared_bytes, CUstream, void** params,
                        void** extra) {
    return launch_kernel(function, grid_x, grid_y, grid_z, block_x, block_y, block_z, shared_bytes, params, extra);
}

// cuLaunchKernelEx with the one attribute SpecScope sets, programmatic stream serialization (id 6;
// its value an int). The launch then runs as any other: kernels run in order here. (What that
// attribute demands of a kernel, that every thread waits with griddepcontrol.wait before it
// touches its predecessor's data, run_launch checks of every launch.)
struct EmuLaunchAttribute {
    int id;
    char pad[4];
    union {
        int programmatic_stream_serialization_allowed;
        char bytes[64];
    } value;
};
struct EmuLaunchConfig {
    unsigned grid_x, grid_y, grid_z, block_x, block_y, block_z, shared_bytes;
    CUstream stream;
    EmuLaunchAttribute* attrs;
    unsigned num_attrs;
};
static_assert(sizeof(EmuLaunchAttribute) == 72 && sizeof(EmuLaunchConfig) == 56, "the layouts of cuda.h");

CUresult cuLaunchKernelEx(const EmuLaunchConfig* config, CUfunction function, void** params, void** extra) {
    if (config == nullptr || (config->num_attrs > 0 && config->attrs == nullptr)) return CUDA_ERROR_INVALID_VALUE;
    bool programmatic = false;
    for (unsigned i = 0; i < config->num_attrs; i++) {
        const EmuLaunchAttribute& a = config->attrs[i];
        if (a.id != 6) {
            complain("cuLaunchKernelEx: launch attribute %d is not emulated", a.id);
            return CUDA_ERROR_NOT_SUPPORTED;
        }
        programmatic = a.value.programmatic_stream_serialization_allowed != 0;
    }
    if (programmatic && the_stream.capturing != nullptr && refuse_programmatic_capture.load()) {
        complain("cuLaunchKernelEx: a programmatic launch during a stream capture (refused, as asked by the test "
                 "hook; the capture is invalidated)");
        the_stream.invalidated = true;
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    if (programmatic) launch_stats.programmatic++;
    return launch_kernel(function, config->grid_x, config->grid_y, config->grid_z, config->block_x, config->block_y,
                         config->block_z, config->shared_bytes, params, extra);
}

// A test hook (not in the driver API): while refuse is non-zero, a programmatic launch during a
// stream capture fails and invalidates the capture, as a driver that cannot capture them would.
void specscope_emulator_refuse_programmatic_capture(int refuse) { refuse_programmatic_capture.store(refuse != 0); }

// A test hook (not in the driver API): while kernel is set, the waits of that kernel's threads
// are not recorded, as if it had none; null clears it.
void specscope_emulator_skip_grid_dependency_wait(const char* kernel) {
    static std::string kept;
    set_kernel_hook(emu::skip_wait_kernel, kept, kernel);
}

// A test hook (not in the driver API): while kernel is set, its threads pass their n-th block
// barrier (1-based) without waiting, as if the kernel lacked it; null clears it.
void specscope_emulator_skip_barrier(const char* kernel, int n) {
    static std::string kept;
    emu::skip_barrier_ordinal.store(n);
    set_kernel_hook(emu::skip_barrier_kernel, kept, kernel);
}

// A test hook (not in the driver API): the orders blocks run their threads in. 0 (the default):
// alternate blocks first to last and last to first; 1: every block first to last; 2: every
// block last to first.
void specscope_emulator_thread_orders(int orders) { thread_orders.store(orders); }

// A test hook (not in the driver API): from now on only room more bytes of device memory can be
// allocated (cuMemAlloc then fails with CUDA_ERROR_OUT_OF_MEMORY), while cuMemGetInfo still
// reports the free memory it did, as when another process takes memory after it was read. A
// negative room lifts the limit.
void specscope_emulator_allocation_room(long long room) {
    room_base.store(memory.in_use());
    allocation_room.store(room);
}

}  // extern "C"

namespace {

CUresult run_launch(CUfunction function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
                    unsigned shared_bytes, void** params) {
    const char* name = function->name;
    std::string why;
    if (!function->check_pointers(params, why)) {
        complain("%s: %s", name, why.c_str());
        return CUDA_ERROR_ILLEGAL_ADDRESS;
    }
    std::lock_guard<std::mutex> lock(launch_mutex);
    static long long launches_run = 0;   // under launch_mutex
    long long launch_number = launches_run++;
    long long blocks = (long long)grid_x * grid_y * grid_z;
    std::function<bool(long long)> run_block = [&](long long b) {
        thread_local emu::Block block;
        thread_local std::vector<unsigned char> shared;
        shared.assign(shared_bytes, 0);
        emu::dynamic_shared = shared.data();
        emu::grid_dim = dim3{grid_x, grid_y, grid_z};
        emu::block_dim = dim3{block_x, 1, 1};
        emu::block_idx = dim3{(unsigned)(b % grid_x), (unsigned)(b / grid_x % grid_y), (unsigned)(b / grid_x / grid_y)};
        block.body = [&] { function->call(params); };
        // Blocks alternate orders, and so does block 0 from one launch to the next: a one-block
        // kernel, launched once a layer, runs both ways in every pass.
        int orders = thread_orders.load(std::memory_order_relaxed);
        block.reset((int)block_x, orders == 0 ? ((b + launch_number) & 1) != 0 : orders == 2);
        emu::current_block = &block;
        emu::running_kernel = name;
        if (!block.run()) {
            complain("%s: block (%u,%u,%u) deadlocked: its threads wait at different barriers", name,
                     emu::block_idx.x, emu::block_idx.y, emu::block_idx.z);
            return false;
        }
        // Checked of every launch, programmatic or not: whether a kernel waits is a property of
        // its code, and the host launches the same code both ways.
        if (block.unsynced > 0) {
            complain("%s: %d threads of block (%u,%u,%u) returned without grid_dependency_sync "
                     "(griddepcontrol.wait): under programmatic dependent launch they could read the previous "
                     "kernel's outputs before it wrote them",
                     name, block.unsynced, emu::block_idx.x, emu::block_idx.y, emu::block_idx.z);
            return false;
        }
        return true;
    };
    bool ok = false;
    pool().run(blocks, run_block, ok);
    if (!ok) return CUDA_ERROR_LAUNCH_FAILED;
    // SPECSCOPE_CUDA_EMULATOR_FINITE=1: name the first launch whose float output holds a NaN or an
    // infinity (scans each output from the pointer to its allocation's end: slow, for debugging).
    static const bool check_finite = std::getenv("SPECSCOPE_CUDA_EMULATOR_FINITE") != nullptr;
    static bool reported = false;
    if (check_finite && !reported && !function->find_non_finite(params, why)) {
        reported = true;
        complain("%s (grid %ux%ux%u): first non-finite output: %s", name, grid_x, grid_y, grid_z, why.c_str());
    }
    return CUDA_SUCCESS;
}

}  // namespace

extern "C" {

// ---- stream capture and graphs: a captured launch is recorded with a copy of its arguments and
// ---- run, in order, at every cuGraphLaunch

CUresult cuStreamBeginCapture_v2(CUstream stream, int /*mode*/) {
    if (stream != &the_stream) return CUDA_ERROR_INVALID_HANDLE;   // the legacy stream cannot be captured
    if (the_stream.capturing != nullptr) return CUDA_ERROR_ILLEGAL_STATE;
    the_stream.capturing = new EmuGraph{};
    the_stream.invalidated = false;
    return CUDA_SUCCESS;
}

CUresult cuStreamEndCapture(CUstream stream, CUgraph* graph) {
    if (stream != &the_stream || the_stream.capturing == nullptr) return CUDA_ERROR_ILLEGAL_STATE;
    EmuGraph* captured = the_stream.capturing;
    the_stream.capturing = nullptr;
    if (the_stream.invalidated) {
        delete captured;
        *graph = nullptr;
        return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    }
    *graph = captured;
    return CUDA_SUCCESS;
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec* exec, CUgraph graph, unsigned long long) {
    if (graph == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *exec = new EmuGraph(*graph);
    return CUDA_SUCCESS;
}

CUresult cuGraphLaunch(CUgraphExec exec, CUstream stream) {
    if (exec == nullptr || stream != &the_stream) return CUDA_ERROR_INVALID_HANDLE;
    if (the_stream.capturing != nullptr) return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    for (EmuLaunch& l : exec->launches) {
        CUresult r = run_launch(l.function, l.grid_x, l.grid_y, l.grid_z, l.block_x, l.shared_bytes, l.params.data());
        if (r != CUDA_SUCCESS) return r;
    }
    return CUDA_SUCCESS;
}

CUresult cuGraphExecDestroy(CUgraphExec exec) {
    delete exec;
    return CUDA_SUCCESS;
}

CUresult cuGraphDestroy(CUgraph graph) {
    delete graph;
    return CUDA_SUCCESS;
}

}  // extern "C"
