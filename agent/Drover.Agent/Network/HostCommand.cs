using System.Diagnostics;
using System.Globalization;

namespace Drover.Agent.Network;

/// <summary>
/// Runs the host's network tools (iproute2's ip and bridge, nft) with a script on stdin where they take one, as the
/// agent's way to speak netlink and nftables: each call is a fork and exec (1–3 ms here, see docs/BENCHMARKS.md), so
/// the pod network batches its changes (ip -batch, nft -f) and calls only when something is to be read or changed.
/// </summary>
internal sealed class HostCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <param name="prefix">A command the tools run under (tests: nsenter --net=… into a namespace of their own); empty for none.</param>
    public HostCommand(IReadOnlyList<string>? prefix = null)
    {
        Prefix = prefix ?? [];
    }

    public IReadOnlyList<string> Prefix { get; }

    /// <summary>Runs <paramref name="tool"/>; a tool that cannot start, or runs past 30 s, is a <see cref="HostCommandException"/>.</summary>
    public async Task<HostCommandResult> RunAsync(string tool, IReadOnlyList<string> arguments, string? input, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        var file = Prefix.Count > 0 ? Prefix[0] : tool;
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var part in Prefix.Skip(1))
            info.ArgumentList.Add(part);
        if (Prefix.Count > 0)
            info.ArgumentList.Add(tool);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new HostCommandException($"cannot run {tool} ({e.Message}); the pod network needs iproute2 and nftables", e);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                if (input is not null)
                    await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token).ConfigureAwait(false);
                process.StandardInput.Close();
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return new HostCommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It ended meanwhile.
                }
                ct.ThrowIfCancellationRequested();
                throw new HostCommandException($"{tool} {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", e);
            }
        }
    }

    /// <summary>As <see cref="RunAsync"/>, and a non-zero exit is a <see cref="HostCommandException"/> carrying its stderr.</summary>
    public async Task<string> RunCheckedAsync(string tool, IReadOnlyList<string> arguments, string? input, CancellationToken ct)
    {
        var result = await RunAsync(tool, arguments, input, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new HostCommandException($"{tool} {string.Join(' ', arguments)} failed (exit {result.ExitCode.ToString(CultureInfo.InvariantCulture)}): {result.Stderr.Trim()}");
        return result.Stdout;
    }
}
