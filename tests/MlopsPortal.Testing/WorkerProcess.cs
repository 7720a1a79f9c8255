using System.Diagnostics;
using System.Text;

namespace MlopsPortal.Testing;

/// <summary>
/// A real `worker` process (the portal executable built next to the tests' configuration) on a
/// PostgreSQL database: started, read, and stopped with SIGTERM or killed with SIGKILL.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;

    /// <summary>The executable the tests run: the Web project's own build output, same configuration.</summary>
    public static string PortalDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var dll = Path.Combine(RepositoryRoot.Path, "src", "MlopsPortal.Web", "bin", configuration, "net10.0", "MlopsPortal.Web.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the tests start the portal executable.", dll);
        }
    }

    public static WorkerProcess Start(string connectionString, string dataDirectory, string capabilities = "cpu", params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var a in (string[])[PortalDll, "worker", "--capabilities", capabilities, "--data-dir", dataDirectory,
                     "--Database:Provider=Postgres", $"--ConnectionStrings:Portal={connectionString}",
                     "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:MlopsPortal=Information",
                     // The same key-encryption certificate as the test's in-process hosts: every node must read the key ring.
                     $"--{TestCertificates.Setting}={TestCertificates.DataProtectionPath}", .. extra])
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the worker.");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => worker._started.TrySetException(new InvalidOperationException($"The worker exited with {process.ExitCode}:\n{worker.Output}"));
        return worker;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.StartsWith("Worker ", StringComparison.Ordinal) && line.Contains(" is running"))
            _started.TrySetResult(line.Split(' ')[1]);
    }

    /// <summary>Waits for the "Worker ID … is running" line and returns the node id.</summary>
    public Task<string> WaitUntilRunningAsync() => _started.Task.WaitAsync(TimeSpan.FromSeconds(90));

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the node dies without a word, as in a crash or an OOM kill.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: a clean stop that waits for running jobs.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        await kill!.WaitForExitAsync();
        await WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { Kill(); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
