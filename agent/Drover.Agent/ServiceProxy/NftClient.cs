using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// Runs <c>nft</c>: a script through <c>nft -f -</c> (one atomic transaction: all of it or none), and the names of
/// a table's chains. <paramref name="command"/> is nft's argv prefix (tests run it in a network namespace of their
/// own: <c>ip netns exec NAME nft</c>).
/// </summary>
internal sealed partial class NftClient(IReadOnlyList<string> command)
{
    public static NftClient Default { get; } = new(["nft"]);

    public async Task ApplyAsync(string script, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(script);
        var (code, _, error) = await RunAsync(["-f", "-"], script, ct).ConfigureAwait(false);
        if (code != 0)
            throw new NftException($"nft -f refused the transaction (exit {code}): {error.Trim()}");
    }

    /// <summary>The chains and sets of <paramref name="table"/> (ip family); empty when the table does not exist.</summary>
    public async Task<IReadOnlyList<string>> ListChainsAsync(string table, CancellationToken ct)
    {
        var (code, output, error) = await RunAsync(["list", "table", "ip", table], null, ct).ConfigureAwait(false);
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
        var (code, output, _) = await RunAsync(["list", "table", "ip", table], null, ct).ConfigureAwait(false);
        return code == 0 ? output : "";
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string? input, CancellationToken ct)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var part in command.Skip(1))
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
            throw new NftException($"cannot run {command[0]}: {e.Message} (install nftables)", e);
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
