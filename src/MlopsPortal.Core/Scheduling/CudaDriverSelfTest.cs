namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// The start-up check a node must pass to declare "gpu": the CUDA driver and NVRTC load, the scoring kernel compiles for
/// this GPU, and a small deterministic tree ensemble scores 4,096 rows (with missing values) on the GPU exactly as the CPU
/// traversal of the same layout does (to 1e-5 × max(1, |score|)). The result names the GPU, its memory and the driver.
/// </summary>
public sealed class CudaDriverSelfTest : IGpuSelfTest
{
    public GpuSelfTestResult Run()
    {
        var probe = Engine.Scoring.CudaForest.Probe();
        if (!probe.Usable) return new(false, probe.Message);
        try
        {
            using var cuda = new Engine.Scoring.CudaForest();
            var forest = Engine.Scoring.TreeForest.Synthetic(trees: 50, depth: 6, features: 12, seed: 7);
            const int rows = 4096;
            var data = Engine.Scoring.TreeForest.SyntheticRows(rows, 12, seed: 11);
            var gpu = new float[rows];
            var cpu = new float[rows];
            cuda.Score(forest, data, rows, 12, gpu, chunkRows: 1024);
            forest.PredictCpu(data, rows, 12, cpu);
            for (var i = 0; i < rows; i++)
                if (Math.Abs(gpu[i] - cpu[i]) > 1e-5f * Math.Max(1f, Math.Abs(cpu[i])))
                    return new(false, $"{probe.Message}: row {i} scored {gpu[i]:R} on the GPU and {cpu[i]:R} on the CPU.", probe.Message);
            return new(true, $"{cuda.Device.Message}: kernel compiled for {cuda.Architecture}; {rows:N0} rows scored identically on GPU and CPU.", cuda.Device.Message);
        }
        catch (Engine.Scoring.CudaException e)
        {
            return new(false, e.Message, probe.Message);
        }
    }
}
