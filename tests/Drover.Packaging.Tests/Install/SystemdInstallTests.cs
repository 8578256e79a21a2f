using System.Diagnostics;
using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.Packaging.Install.Tests;

/// <summary>
/// The install where systemd is PID 1: packaging/systemd/test-in-nspawn.sh boots Debian 12 with systemd in
/// systemd-nspawn, runs the release's `install.sh server --with-agent --with-ingress` there, checks the units as systemd
/// sees them (the agent's Type=notify start, watchdog, KillMode, containerd's drop-in, node Ready), a second install
/// that restarts nothing, and an uninstall that leaves nothing. The root file system is built once with debootstrap.
/// </summary>
public sealed class SystemdInstallTests(ITestOutputHelper output)
{
    [Fact]
    public async Task InstallServer_SystemdAsPid1_UnitsActive_SecondRunChangesNothing_UninstallLeavesNothing()
    {
        ReleaseDirectory.RequirePublished();
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "packaging", "systemd", "test-in-nspawn.sh"));
        info.ArgumentList.Add(ReleaseDirectory.Path);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        await process.WaitForExitAsync(timeout.Token);
        var findings = await stdout;
        output.WriteLine(findings);
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"test-in-nspawn.sh: exit {process.ExitCode}\n{findings}");
        Assert.Contains("PID 1: systemd", findings, StringComparison.Ordinal);
        Assert.Contains("PASS drover-agent.service active", findings, StringComparison.Ordinal);
    }
}
