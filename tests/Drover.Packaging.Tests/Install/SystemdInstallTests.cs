using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.Packaging.Install.Tests;

/// <summary>
/// The install where systemd is PID 1: packaging/systemd/test-in-nspawn.sh boots Debian 12 with systemd in
/// systemd-nspawn, runs the release's `install.sh server --with-agent --with-ingress` there, checks the units as systemd
/// sees them (the agent's Type=notify start, watchdog, KillMode, containerd's drop-in, node Ready), a second install
/// that restarts nothing, and an uninstall that leaves nothing. The root file system is built once with debootstrap.
/// </summary>
[Trait("Category", "Process")]
public sealed class SystemdInstallTests(ITestOutputHelper output)
{
    [Fact]
    public async Task InstallServer_SystemdAsPid1_UnitsActive_SecondRunChangesNothing_UninstallLeavesNothing()
    {
        ReleaseDirectory.RequirePublished();
        var script = Path.Combine(RepoPaths.Root, "packaging", "systemd", "test-in-nspawn.sh");
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("bash", [script, ReleaseDirectory.Path]), TimeSpan.FromMinutes(20));
        var findings = result.Stdout;
        output.WriteLine(findings);
        output.WriteLine(result.Stderr);
        Assert.True(result.ExitCode == 0, $"test-in-nspawn.sh: {result}");
        Assert.Contains("PID 1: systemd", findings, StringComparison.Ordinal);
        Assert.Contains("PASS drover-agent.service active", findings, StringComparison.Ordinal);
    }
}
