using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Drover.Ingress.Testing;

/// <summary>
/// Every TCP packet to or from one address and port dropped as it arrives (an nftables table of the test's own), as if
/// the pod's node had lost its network: connections to it stay open in silence (its answers do not come back either),
/// new ones get no answer. Removed on dispose.
/// </summary>
public sealed class SilencedPort : IDisposable
{
    private readonly string _table;

    private SilencedPort(string table) => _table = table;

    public static SilencedPort Start(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        var table = "drving_silence_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "_" + port.ToString(CultureInfo.InvariantCulture);
        Nft(string.Create(CultureInfo.InvariantCulture, $$"""
            table ip {{table}} {
              chain input {
                type filter hook input priority -300; policy accept;
                ip daddr {{address}} tcp dport {{port}} drop
                ip saddr {{address}} tcp sport {{port}} drop
              }
            }
            """));
        return new SilencedPort(table);
    }

    public void Dispose() => Nft($"delete table ip {_table}\n");

    private static void Nft(string script)
    {
        var info = new ProcessStartInfo("nft", "-f -") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("nft did not start");
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"nft -f failed ({process.ExitCode}): {error.Trim()}\n{script}");
    }
}
