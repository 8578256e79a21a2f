using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// Runs nftables: a script as <c>nft -f</c> would (one atomic transaction: all of it or none), and the names of
/// a table's chains. In process through libnftables (<see cref="LibNftables"/>: no process per transaction) when the
/// library loads, else the <c>nft</c> command, whose argv prefix is given for the latter (tests run
/// it in a network namespace of their own: <c>ip netns exec NAME nft</c>).
/// </summary>
internal sealed partial class NftClient : IDisposable
{
    private readonly IReadOnlyList<string> _command;
    private readonly LibNftables? _library;

    /// <summary>The <c>nft</c> command only (<paramref name="command"/>: its argv prefix).</summary>
    public NftClient(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _command = command;
    }

    private NftClient(string? netns)
    {
        _library = LibNftables.TryStart(netns);
        _command = netns is null ? ["nft"] : ["ip", "netns", "exec", netns, "nft"];
    }

    /// <summary>The agent's: in process when libnftables loads, in the agent's network namespace.</summary>
    public static NftClient Default => LazyDefault.Value;

    private static readonly Lazy<NftClient> LazyDefault = new(() => new NftClient(netns: null));

    /// <summary>In the named network namespace (tests, benches): in process when libnftables loads, else <c>ip netns exec NAME nft</c>.</summary>
    public static NftClient InNamespace(string netns)
    {
        ArgumentException.ThrowIfNullOrEmpty(netns);
        return new NftClient(netns);
    }

    /// <summary>Whether transactions run in process (libnftables) rather than through the <c>nft</c> command.</summary>
    public bool InProcess => _library is not null;

    public void Dispose() => _library?.Dispose();

    public async Task ApplyAsync(string script, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(script);
        var (code, _, error) = _library is not null
            ? await _library.RunAsync(script, ct).ConfigureAwait(false)
            : await RunAsync(["-f", "-"], script, ct).ConfigureAwait(false);
        if (code != 0)
            throw new NftException($"nft -f refused the transaction (exit {code}): {error.Trim()}");
    }

    /// <summary>The chains and sets of <paramref name="table"/> (ip family); empty when the table does not exist.</summary>
    public async Task<IReadOnlyList<string>> ListChainsAsync(string table, CancellationToken ct)
    {
        var (code, output, error) = await ListAsync(table, ct).ConfigureAwait(false);
        if (code != 0)
        {
            if (error.Contains("No such file or directory", StringComparison.Ordinal))
                return [];
            throw new NftException($"nft list table ip {table} failed (exit {code}): {error.Trim()}");
        }
        return [.. ChainLine().Matches(output).Select(m => m.Groups[1].Value)];
    }

    /// <summary>The table as nft prints it (for tests and diagnostics); empty when it does not exist.</summary>
    public async Task<string> ListTableAsync(string table, CancellationToken ct)
    {
        var (code, output, _) = await ListAsync(table, ct).ConfigureAwait(false);
        return code == 0 ? output : "";
    }

    private Task<(int Code, string Output, string Error)> ListAsync(string table, CancellationToken ct) =>
        _library is not null ? _library.RunAsync($"list table ip {table}", ct) : RunAsync(["list", "table", "ip", table], null, ct);

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string? input, CancellationToken ct)
    {
        var info = new ProcessStartInfo(_command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var part in _command.Skip(1))
            info.ArgumentList.Add(part);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new NftException("nft did not start");
        }
        catch (Win32Exception e)
        {
            throw new NftException($"cannot run {_command[0]}: {e.Message} (install nftables)", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            if (input is not null)
                await process.StandardInput.WriteAsync(input.AsMemory(), ct).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }

    // Chains and sets (the affinity sets): what a full rewrite may have to remove.
    [GeneratedRegex(@"^\s*(?:chain|set) (\S+) \{", RegexOptions.Multiline)]
    private static partial Regex ChainLine();
}
