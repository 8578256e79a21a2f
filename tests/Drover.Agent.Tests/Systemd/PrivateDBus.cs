using System.Diagnostics;

namespace Drover.Agent.Systemd.Tests;

/// <summary>
/// A real dbus-daemon on a private bus (Debian package dbus), with a configuration of its own that lets the
/// test peer own logind's and systemd's names; never the machine's system bus. Fails loudly without dbus-daemon.
/// </summary>
internal sealed class PrivateDBus : IDisposable
{
    private readonly Process _daemon;
    private readonly string _directory;

    private PrivateDBus(Process daemon, string directory, string address)
    {
        _daemon = daemon;
        _directory = directory;
        Address = address;
    }

    public string Address { get; }

    public static async Task<PrivateDBus> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("drover-dbus-").FullName;
        var socket = Path.Combine(directory, "bus.sock");
        var config = Path.Combine(directory, "bus.conf");
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>custom</type>
              <listen>unix:path={socket}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """);
        var info = new ProcessStartInfo("dbus-daemon") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--config-file=" + config, "--nofork", "--print-address" })
            info.ArgumentList.Add(arg);
        Process daemon;
        try
        {
            daemon = Process.Start(info) ?? throw new InvalidOperationException("dbus-daemon did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("dbus-daemon is not installed (Debian package dbus): the D-Bus tests need a real bus", e);
        }

        var line = await daemon.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (string.IsNullOrEmpty(line))
        {
            var error = await daemon.StandardError.ReadToEndAsync();
            daemon.Kill();
            throw new InvalidOperationException("dbus-daemon printed no address: " + error);
        }
        return new PrivateDBus(daemon, directory, line.Trim());
    }

    public void Dispose()
    {
        if (!_daemon.HasExited)
        {
            _daemon.Kill();
            _daemon.WaitForExit(5000);
        }
        _daemon.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
