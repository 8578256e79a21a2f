using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Drover.Ingress.Testing;

/// <summary>
/// A bridge of the test's own with one /32 address, for backends to listen on: Endpoints may not point at
/// loopback (Kubernetes' validation, which droverd applies), and the test must not send traffic anywhere
/// else. Removed on dispose.
/// </summary>
public sealed class TestBridge : IDisposable
{
    private TestBridge(string name, IPAddress address)
    {
        Name = name;
        Address = address;
    }

    public string Name { get; }
    public IPAddress Address { get; }

    public static TestBridge Create()
    {
        var random = Random.Shared;
        var name = "drving" + Environment.ProcessId.ToString("x4", CultureInfo.InvariantCulture)[^4..] + random.Next(0, 256).ToString("x2", CultureInfo.InvariantCulture);
        // 100.64.0.0/10 (shared address space) is nobody's pod or node range here.
        var address = IPAddress.Parse($"100.{random.Next(64, 128)}.{random.Next(0, 256)}.{random.Next(1, 255)}");
        Run("link", "add", name, "type", "bridge");
        try
        {
            Run("addr", "add", address + "/32", "dev", name);
            Run("link", "set", name, "up");
        }
        catch
        {
            TryRun("link", "del", name);
            throw;
        }
        return new TestBridge(name, address);
    }

    public void Dispose() => TryRun("link", "del", Name);

    private static void Run(params string[] args)
    {
        if (TryRun(args) is { } error)
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {error}");
    }

    private static string? TryRun(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : error.Trim();
    }
}
