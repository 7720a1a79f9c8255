using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace MlopsPortal.Engine.Scoring;

/// <summary>What a node has for GPU scoring: the driver, NVRTC and a device, or a sentence naming what is missing.</summary>
public sealed record CudaAvailability(bool Usable, string Message, string? DeviceName = null, long MemoryBytes = 0, string? DriverVersion = null,
    string? ComputeCapability = null);

/// <summary>Where the time of one GPU scoring went (host matrix in, host scores out).</summary>
public sealed record CudaTiming(TimeSpan Total, TimeSpan Upload, TimeSpan Stream, int Chunks);

/// <summary>
/// Scores a <see cref="TreeForest"/> on an NVIDIA GPU through the CUDA driver API and NVRTC, loaded by P/Invoke at run
/// time (no CUDA binding is available to .NET here, and Debian's libxgboost has no CUDA). The tree nodes go to the device
/// once; the kernel (one thread per row, trees in order, float sums like XGBoost's CPU predictor) is compiled by NVRTC
/// for the device's architecture; rows stream through in chunks on two CUDA streams, so that a chunk's copies overlap
/// another's compute.
/// </summary>
public sealed unsafe class CudaForest : IDisposable
{
    public const string KernelName = "score_rows";

    /// <summary>The kernel. Node layout: see <see cref="ForestNode"/>.</summary>
    public const string KernelSource = """
        struct Node { float value; unsigned int info; int left; int reserved; };
        extern "C" __global__ void score_rows(const float* __restrict__ x, long long rows, int cols,
                                              const Node* __restrict__ nodes, const int* __restrict__ roots, int trees,
                                              float base_margin, int sigmoid, float* __restrict__ out)
        {
            long long row = (long long)blockIdx.x * blockDim.x + threadIdx.x;
            if (row >= rows) return;
            const float* r = x + row * cols;
            float sum = base_margin;
            for (int t = 0; t < trees; ++t) {
                Node n = nodes[roots[t]];
                while (!(n.info & 0x80000000u)) {
                    float f = r[n.info & 0x3FFFFFFFu];
                    bool go_left = isnan(f) ? ((n.info & 0x40000000u) != 0) : (f < n.value);
                    n = nodes[go_left ? n.left : n.left + 1];
                }
                sum += n.value;
            }
            out[row] = sigmoid ? 1.0f / (expf(fminf(-sum, 88.7f)) + 1.0f) : sum;
        }
        """;

    private static readonly string[] DriverNames = ["libcuda.so.1", "libcuda.so"];
    private static readonly string[] NvrtcNames =
        ["libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0"];

    private readonly IntPtr _cuda;
    private readonly IntPtr _nvrtc;
    private readonly IntPtr _context;
    private readonly IntPtr _module;
    private readonly IntPtr _function;
    public CudaAvailability Device { get; }
    /// <summary>The NVRTC architecture option the kernel was compiled with.</summary>
    public string Architecture { get; }

    /// <summary>Whether this machine can score on a GPU, and if not, what is missing. Never throws.</summary>
    public static CudaAvailability Probe()
    {
        var cuda = Load(DriverNames);
        var nvrtc = Load(NvrtcNames);
        try
        {
            if (cuda == IntPtr.Zero && nvrtc == IntPtr.Zero)
                return new(false, "No GPU support on this node: the NVIDIA driver (libcuda.so.1) and NVRTC (libnvrtc.so, from the CUDA toolkit) are both missing.");
            if (cuda == IntPtr.Zero)
                return new(false, "No GPU support on this node: the NVIDIA driver (libcuda.so.1) is missing.");
            if (nvrtc == IntPtr.Zero)
                return new(false, "No GPU support on this node: NVRTC (libnvrtc.so, from the CUDA toolkit) is missing, so the kernel cannot be compiled.");
            var api = new Driver(cuda);
            Check(api.Init(0), "cuInit");
            int count;
            Check(api.DeviceGetCount(&count), "cuDeviceGetCount");
            if (count == 0) return new(false, "The NVIDIA driver is installed but found no GPU.");
            return Describe(api, 0);
        }
        catch (Exception e) when (e is CudaException or EntryPointNotFoundException)
        {
            return new(false, $"The GPU is not usable: {e.Message}");
        }
        finally
        {
            if (cuda != IntPtr.Zero) NativeLibrary.Free(cuda);
            if (nvrtc != IntPtr.Zero) NativeLibrary.Free(nvrtc);
        }
    }

    private static IntPtr Load(string[] names)
    {
        foreach (var name in names)
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        return IntPtr.Zero;
    }

    private static CudaAvailability Describe(Driver api, int ordinal)
    {
        int device, major, minor, version;
        Check(api.DeviceGet(&device, ordinal), "cuDeviceGet");
        var name = stackalloc byte[256];
        Check(api.DeviceGetName(name, 256, device), "cuDeviceGetName");
        nuint memory;
        Check(api.DeviceTotalMem(&memory, device), "cuDeviceTotalMem");
        Check(api.DeviceGetAttribute(&major, 75, device), "cuDeviceGetAttribute(major)");
        Check(api.DeviceGetAttribute(&minor, 76, device), "cuDeviceGetAttribute(minor)");
        Check(api.DriverGetVersion(&version), "cuDriverGetVersion");
        var deviceName = Marshal.PtrToStringUTF8((IntPtr)name) ?? "GPU 0";
        var driver = $"{version / 1000}.{version % 1000 / 10}";
        return new(true, $"{deviceName} ({(long)memory / (1 << 20):N0} MiB, compute {major}.{minor}, CUDA driver API {driver})", deviceName, (long)memory, driver,
            $"{major}.{minor}");
    }

    /// <summary>Loads the driver and NVRTC, opens a context on GPU 0 and compiles the kernel; throws <see cref="CudaException"/> naming what failed.</summary>
    public CudaForest()
    {
        _cuda = Load(DriverNames);
        _nvrtc = Load(NvrtcNames);
        if (_cuda == IntPtr.Zero || _nvrtc == IntPtr.Zero)
        {
            var message = Probe().Message;
            Dispose();
            throw new CudaException(message);
        }
        var api = new Driver(_cuda);
        Check(api.Init(0), "cuInit");
        Device = Describe(api, 0);
        int device;
        Check(api.DeviceGet(&device, 0), "cuDeviceGet");
        IntPtr context;
        Check(api.CtxCreate(&context, 0, device), "cuCtxCreate");
        _context = context;
        var (ptx, architecture) = Compile(new Nvrtc(_nvrtc), Device.ComputeCapability!);
        Architecture = architecture;
        IntPtr module, function;
        fixed (byte* image = ptx)
            Check(api.ModuleLoadData(&module, image), "cuModuleLoadData");
        _module = module;
        fixed (byte* entry = Encoding.ASCII.GetBytes(KernelName + "\0"))
            Check(api.ModuleGetFunction(&function, module, entry), "cuModuleGetFunction");
        _function = function;
    }

    /// <summary>PTX for the device's compute capability, or the newest older one this NVRTC knows.</summary>
    private static (byte[] Ptx, string Architecture) Compile(Nvrtc nvrtc, string capability)
    {
        var own = "compute_" + capability.Replace(".", "");
        var errors = new List<string>();
        var options = stackalloc byte*[1];
        foreach (var architecture in new[] { own, "compute_90", "compute_80", "compute_75", "compute_70" }.Distinct())
        {
            IntPtr program;
            var source = Encoding.UTF8.GetBytes(KernelSource + "\0");
            var fileName = Encoding.ASCII.GetBytes("forest.cu\0");
            fixed (byte* s = source)
            fixed (byte* f = fileName)
                NvrtcCheck(nvrtc, nvrtc.CreateProgram(&program, s, f, 0, null, null), "nvrtcCreateProgram");
            try
            {
                var option = Encoding.ASCII.GetBytes($"--gpu-architecture={architecture}\0");
                int result;
                fixed (byte* o = option)
                {
                    options[0] = o;
                    result = nvrtc.CompileProgram(program, 1, options);
                }
                if (result != 0)
                {
                    nuint logSize;
                    nvrtc.GetProgramLogSize(program, &logSize);
                    var log = new byte[(int)logSize];
                    fixed (byte* l = log) nvrtc.GetProgramLog(program, l);
                    errors.Add($"{architecture}: {Encoding.UTF8.GetString(log).TrimEnd('\0').Trim()} (error {result})");
                    continue;
                }
                nuint size;
                NvrtcCheck(nvrtc, nvrtc.GetPTXSize(program, &size), "nvrtcGetPTXSize");
                var ptx = new byte[(int)size];
                fixed (byte* p = ptx) NvrtcCheck(nvrtc, nvrtc.GetPTX(program, p), "nvrtcGetPTX");
                return (ptx, architecture);
            }
            finally
            {
                nvrtc.DestroyProgram(&program);
            }
        }
        throw new CudaException("NVRTC could not compile the scoring kernel: " + string.Join("; ", errors));
    }

    /// <summary>
    /// Scores row-major float32 rows (NaN = missing) from host memory into host memory: nodes uploaded once, rows in
    /// chunks over two streams (page-locked in place, so copies run asynchronously).
    /// </summary>
    public CudaTiming Score(TreeForest forest, float[] rows, long count, int columns, float[] output, long chunkRows = 1 << 20)
    {
        if (columns < forest.Features) throw new ArgumentException($"The rows have {columns} columns; the model reads {forest.Features}.");
        if (rows.LongLength < count * columns || output.LongLength < count) throw new ArgumentException("The buffers are smaller than the row count says.");
        var api = new Driver(_cuda);
        Check(api.CtxSetCurrent(_context), "cuCtxSetCurrent");
        var clock = Stopwatch.StartNew();
        ulong nodes = 0, roots = 0;
        var x = new ulong[2];
        var y = new ulong[2];
        var streams = new IntPtr[2];
        var rowsHandle = GCHandle.Alloc(rows, GCHandleType.Pinned);
        var outHandle = GCHandle.Alloc(output, GCHandleType.Pinned);
        var registered = new List<IntPtr>();
        try
        {
            var nodeBytes = (nuint)(forest.NodeSpan.Length * sizeof(ForestNode));
            var rootBytes = (nuint)(forest.RootSpan.Length * sizeof(int));
            Check(api.MemAlloc(&nodes, nodeBytes), "cuMemAlloc(nodes)");
            Check(api.MemAlloc(&roots, Math.Max(rootBytes, 4)), "cuMemAlloc(roots)");
            fixed (ForestNode* n = forest.NodeSpan) Check(api.MemcpyHtoD(nodes, n, nodeBytes), "cuMemcpyHtoD(nodes)");
            fixed (int* r = forest.RootSpan) Check(api.MemcpyHtoD(roots, r, rootBytes), "cuMemcpyHtoD(roots)");
            var upload = clock.Elapsed;

            var host = (float*)rowsHandle.AddrOfPinnedObject();
            var hostOut = (float*)outHandle.AddrOfPinnedObject();
            // Page-lock the caller's arrays so that the async copies really overlap; without it they still work, serially.
            if (api.MemHostRegister(host, (nuint)(count * columns * sizeof(float)), 0) == 0) registered.Add((IntPtr)host);
            if (api.MemHostRegister(hostOut, (nuint)(count * sizeof(float)), 0) == 0) registered.Add((IntPtr)hostOut);
            var chunk = Math.Min(chunkRows, Math.Max(count, 1));
            for (var s = 0; s < 2; s++)
            {
                IntPtr stream;
                Check(api.StreamCreate(&stream, 1), "cuStreamCreate");
                streams[s] = stream;
                ulong bx, by;
                Check(api.MemAlloc(&bx, (nuint)(chunk * columns * sizeof(float))), "cuMemAlloc(rows)");
                x[s] = bx;
                Check(api.MemAlloc(&by, (nuint)(chunk * sizeof(float))), "cuMemAlloc(scores)");
                y[s] = by;
            }
            var chunks = 0;
            int trees = forest.RootSpan.Length, cols = columns, sigmoid = forest.Transform == ForestTransform.Sigmoid ? 1 : 0;
            var margin = forest.BaseMargin;
            var args = stackalloc void*[9];
            for (long start = 0; start < count; start += chunk, chunks++)
            {
                var s = chunks % 2;
                long n = Math.Min(chunk, count - start);
                Check(api.MemcpyHtoDAsync(x[s], host + start * columns, (nuint)(n * columns * sizeof(float)), streams[s]), "cuMemcpyHtoDAsync");
                ulong px = x[s], py = y[s], pn = nodes, pr = roots;
                args[0] = &px; args[1] = &n; args[2] = &cols; args[3] = &pn; args[4] = &pr; args[5] = &trees; args[6] = &margin; args[7] = &sigmoid; args[8] = &py;
                const uint block = 256;
                var grid = (uint)((n + block - 1) / block);
                Check(api.LaunchKernel(_function, grid, 1, 1, block, 1, 1, 0, streams[s], args, null), "cuLaunchKernel");
                Check(api.MemcpyDtoHAsync(hostOut + start, y[s], (nuint)(n * sizeof(float)), streams[s]), "cuMemcpyDtoHAsync");
            }
            foreach (var stream in streams) Check(api.StreamSynchronize(stream), "cuStreamSynchronize");
            return new CudaTiming(clock.Elapsed, upload, clock.Elapsed - upload, chunks);
        }
        finally
        {
            foreach (var pointer in registered) api.MemHostUnregister((void*)pointer);
            foreach (var stream in streams) if (stream != IntPtr.Zero) api.StreamDestroy(stream);
            foreach (var pointer in x.Concat(y).Append(nodes).Append(roots)) if (pointer != 0) api.MemFree(pointer);
            rowsHandle.Free();
            outHandle.Free();
        }
    }

    public void Dispose()
    {
        if (_cuda != IntPtr.Zero)
        {
            var api = new Driver(_cuda);
            if (_module != IntPtr.Zero) api.ModuleUnload(_module);
            if (_context != IntPtr.Zero) api.CtxDestroy(_context);
            NativeLibrary.Free(_cuda);
        }
        if (_nvrtc != IntPtr.Zero) NativeLibrary.Free(_nvrtc);
    }

    private static void Check(int result, string step)
    {
        if (result != 0) throw new CudaException($"CUDA {step} failed with error {result}.");
    }

    private static void NvrtcCheck(Nvrtc nvrtc, int result, string step)
    {
        if (result != 0) throw new CudaException($"NVRTC {step} failed: {Marshal.PtrToStringUTF8((IntPtr)nvrtc.GetErrorString(result))} ({result}).");
    }

    /// <summary>The CUDA driver API entry points used here (cuda.h, the _v2 names where the ABI changed).</summary>
    private readonly struct Driver(IntPtr lib)
    {
        public int Init(uint flags) => ((delegate* unmanaged<uint, int>)NativeLibrary.GetExport(lib, "cuInit"))(flags);
        public int DeviceGetCount(int* count) => ((delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, "cuDeviceGetCount"))(count);
        public int DeviceGet(int* device, int ordinal) => ((delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGet"))(device, ordinal);
        public int DeviceGetName(byte* name, int length, int device) =>
            ((delegate* unmanaged<byte*, int, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGetName"))(name, length, device);
        public int DeviceTotalMem(nuint* bytes, int device) => ((delegate* unmanaged<nuint*, int, int>)NativeLibrary.GetExport(lib, "cuDeviceTotalMem_v2"))(bytes, device);
        public int DeviceGetAttribute(int* value, int attribute, int device) =>
            ((delegate* unmanaged<int*, int, int, int>)NativeLibrary.GetExport(lib, "cuDeviceGetAttribute"))(value, attribute, device);
        public int DriverGetVersion(int* version) => ((delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, "cuDriverGetVersion"))(version);
        public int CtxCreate(IntPtr* context, uint flags, int device) =>
            ((delegate* unmanaged<IntPtr*, uint, int, int>)NativeLibrary.GetExport(lib, "cuCtxCreate_v2"))(context, flags, device);
        public int CtxSetCurrent(IntPtr context) => ((delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cuCtxSetCurrent"))(context);
        public int CtxDestroy(IntPtr context) => ((delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cuCtxDestroy_v2"))(context);
        public int ModuleLoadData(IntPtr* module, void* image) => ((delegate* unmanaged<IntPtr*, void*, int>)NativeLibrary.GetExport(lib, "cuModuleLoadData"))(module, image);
        public int ModuleGetFunction(IntPtr* function, IntPtr module, byte* name) =>
            ((delegate* unmanaged<IntPtr*, IntPtr, byte*, int>)NativeLibrary.GetExport(lib, "cuModuleGetFunction"))(function, module, name);
        public int ModuleUnload(IntPtr module) => ((delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cuModuleUnload"))(module);
        public int MemAlloc(ulong* pointer, nuint bytes) => ((delegate* unmanaged<ulong*, nuint, int>)NativeLibrary.GetExport(lib, "cuMemAlloc_v2"))(pointer, bytes);
        public int MemFree(ulong pointer) => ((delegate* unmanaged<ulong, int>)NativeLibrary.GetExport(lib, "cuMemFree_v2"))(pointer);
        public int MemcpyHtoD(ulong destination, void* source, nuint bytes) =>
            ((delegate* unmanaged<ulong, void*, nuint, int>)NativeLibrary.GetExport(lib, "cuMemcpyHtoD_v2"))(destination, source, bytes);
        public int MemcpyHtoDAsync(ulong destination, void* source, nuint bytes, IntPtr stream) =>
            ((delegate* unmanaged<ulong, void*, nuint, IntPtr, int>)NativeLibrary.GetExport(lib, "cuMemcpyHtoDAsync_v2"))(destination, source, bytes, stream);
        public int MemcpyDtoHAsync(void* destination, ulong source, nuint bytes, IntPtr stream) =>
            ((delegate* unmanaged<void*, ulong, nuint, IntPtr, int>)NativeLibrary.GetExport(lib, "cuMemcpyDtoHAsync_v2"))(destination, source, bytes, stream);
        public int MemHostRegister(void* pointer, nuint bytes, uint flags) =>
            ((delegate* unmanaged<void*, nuint, uint, int>)NativeLibrary.GetExport(lib, "cuMemHostRegister_v2"))(pointer, bytes, flags);
        public int MemHostUnregister(void* pointer) => ((delegate* unmanaged<void*, int>)NativeLibrary.GetExport(lib, "cuMemHostUnregister"))(pointer);
        public int StreamCreate(IntPtr* stream, uint flags) => ((delegate* unmanaged<IntPtr*, uint, int>)NativeLibrary.GetExport(lib, "cuStreamCreate"))(stream, flags);
        public int StreamSynchronize(IntPtr stream) => ((delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cuStreamSynchronize"))(stream);
        public int StreamDestroy(IntPtr stream) => ((delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(lib, "cuStreamDestroy_v2"))(stream);
        public int LaunchKernel(IntPtr function, uint gx, uint gy, uint gz, uint bx, uint by, uint bz, uint shared, IntPtr stream, void** args, void** extra) =>
            ((delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>)NativeLibrary.GetExport(lib, "cuLaunchKernel"))(
                function, gx, gy, gz, bx, by, bz, shared, stream, args, extra);
    }

    /// <summary>The NVRTC entry points used here (nvrtc.h).</summary>
    private readonly struct Nvrtc(IntPtr lib)
    {
        public int CreateProgram(IntPtr* program, byte* source, byte* name, int headers, byte** headerSources, byte** headerNames) =>
            ((delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int>)NativeLibrary.GetExport(lib, "nvrtcCreateProgram"))(
                program, source, name, headers, headerSources, headerNames);
        public int CompileProgram(IntPtr program, int count, byte** options) =>
            ((delegate* unmanaged<IntPtr, int, byte**, int>)NativeLibrary.GetExport(lib, "nvrtcCompileProgram"))(program, count, options);
        public int GetProgramLogSize(IntPtr program, nuint* size) => ((delegate* unmanaged<IntPtr, nuint*, int>)NativeLibrary.GetExport(lib, "nvrtcGetProgramLogSize"))(program, size);
        public int GetProgramLog(IntPtr program, byte* log) => ((delegate* unmanaged<IntPtr, byte*, int>)NativeLibrary.GetExport(lib, "nvrtcGetProgramLog"))(program, log);
        public int GetPTXSize(IntPtr program, nuint* size) => ((delegate* unmanaged<IntPtr, nuint*, int>)NativeLibrary.GetExport(lib, "nvrtcGetPTXSize"))(program, size);
        public int GetPTX(IntPtr program, byte* ptx) => ((delegate* unmanaged<IntPtr, byte*, int>)NativeLibrary.GetExport(lib, "nvrtcGetPTX"))(program, ptx);
        public int DestroyProgram(IntPtr* program) => ((delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(lib, "nvrtcDestroyProgram"))(program);
        public byte* GetErrorString(int result) => ((delegate* unmanaged<int, byte*>)NativeLibrary.GetExport(lib, "nvrtcGetErrorString"))(result);
    }
}

/// <summary>A CUDA or NVRTC step failed; the message names the step and the error.</summary>
public sealed class CudaException(string message) : Exception(message);
