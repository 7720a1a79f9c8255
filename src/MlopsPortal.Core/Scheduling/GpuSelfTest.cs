using System.Runtime.InteropServices;

namespace MlopsPortal.Core.Scheduling;

/// <summary>The outcome of a GPU self-test: a node declares "gpu" only when it passed.</summary>
public sealed record GpuSelfTestResult(bool Passed, string Message, string? DeviceName = null);

/// <summary>Checks that this machine can run GPU jobs. Replaceable in tests; the GPU scoring issue extends it.</summary>
public interface IGpuSelfTest
{
    GpuSelfTestResult Run();
}

/// <summary>
/// Written by hand (no CUDA binding is available here): loads the CUDA driver (libcuda.so.1),
/// opens a context on device 0 and round-trips 1 MiB through device memory. Failing any step, or
/// finding no driver, fails the test with the step named.
/// </summary>
public sealed class CudaDriverSelfTest : IGpuSelfTest
{
    public GpuSelfTestResult Run()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var lib) && !NativeLibrary.TryLoad("libcuda.so", out lib))
            return new(false, "No CUDA driver: libcuda.so.1 could not be loaded (no NVIDIA driver on this machine).");
        try
        {
            return Probe(lib);
        }
        catch (EntryPointNotFoundException e)
        {
            return new(false, $"The CUDA driver lacks an expected function: {e.Message}");
        }
        finally
        {
            NativeLibrary.Free(lib);
        }
    }

    private unsafe delegate int CuInit(uint flags);
    private unsafe delegate int CuDeviceGetCount(int* count);
    private unsafe delegate int CuDeviceGet(int* device, int ordinal);
    private unsafe delegate int CuDeviceGetName(byte* name, int length, int device);
    private unsafe delegate int CuCtxCreate(IntPtr* context, uint flags, int device);
    private unsafe delegate int CuCtxDestroy(IntPtr context);
    private unsafe delegate int CuMemAlloc(ulong* pointer, nuint bytes);
    private unsafe delegate int CuMemFree(ulong pointer);
    private unsafe delegate int CuMemcpyHtoD(ulong destination, void* source, nuint bytes);
    private unsafe delegate int CuMemcpyDtoH(void* destination, ulong source, nuint bytes);

    private static T Function<T>(IntPtr lib, string name) where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(lib, name));

    private static unsafe GpuSelfTestResult Probe(IntPtr lib)
    {
        static string Failed(string step, int code) => $"CUDA {step} failed with error {code}.";

        if (Function<CuInit>(lib, "cuInit")(0) is var init and not 0)
            return new(false, Failed("cuInit", init));
        int count;
        if (Function<CuDeviceGetCount>(lib, "cuDeviceGetCount")(&count) is var c and not 0)
            return new(false, Failed("cuDeviceGetCount", c));
        if (count == 0)
            return new(false, "The CUDA driver found no GPU.");
        int device;
        if (Function<CuDeviceGet>(lib, "cuDeviceGet")(&device, 0) is var g and not 0)
            return new(false, Failed("cuDeviceGet", g));
        var nameBuffer = stackalloc byte[256];
        var name = Function<CuDeviceGetName>(lib, "cuDeviceGetName")(nameBuffer, 256, device) == 0
            ? Marshal.PtrToStringUTF8((IntPtr)nameBuffer) ?? "GPU 0"
            : "GPU 0";

        IntPtr context;
        if (Function<CuCtxCreate>(lib, "cuCtxCreate_v2")(&context, 0, device) is var cc and not 0)
            return new(false, Failed("cuCtxCreate", cc), name);
        try
        {
            const int size = 1 << 20;
            var sent = new byte[size];
            var back = new byte[size];
            new Random(42).NextBytes(sent);
            ulong pointer;
            if (Function<CuMemAlloc>(lib, "cuMemAlloc_v2")(&pointer, size) is var a and not 0)
                return new(false, Failed("cuMemAlloc", a), name);
            try
            {
                fixed (byte* s = sent)
                fixed (byte* b = back)
                {
                    if (Function<CuMemcpyHtoD>(lib, "cuMemcpyHtoD_v2")(pointer, s, size) is var h and not 0)
                        return new(false, Failed("cuMemcpyHtoD", h), name);
                    if (Function<CuMemcpyDtoH>(lib, "cuMemcpyDtoH_v2")(b, pointer, size) is var d and not 0)
                        return new(false, Failed("cuMemcpyDtoH", d), name);
                }
            }
            finally
            {
                Function<CuMemFree>(lib, "cuMemFree_v2")(pointer);
            }
            return sent.AsSpan().SequenceEqual(back)
                ? new(true, $"{name}: context created and 1 MiB round-tripped through device memory.", name)
                : new(false, "Device memory returned different bytes than were written.", name);
        }
        finally
        {
            Function<CuCtxDestroy>(lib, "cuCtxDestroy_v2")(context);
        }
    }
}

/// <summary>A node was asked to declare a GPU that failed its self-test.</summary>
public sealed class GpuSelfTestFailedException(string message) : Exception(message);
