using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Drover.Agent.Volumes;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// nftables in the agent's own process: one libnftables context (the library the <c>nft</c> command is built on,
/// Debian's libnftables1, a dependency of nftables) owned by a thread of its own, optionally moved into a named network
/// namespace first (tests and benches). Measured (docs/BENCHMARKS.md, issue 15): a transaction into a table of 1,000
/// Services costs the <c>nft</c> command a process start, its shared libraries and a full dump of the table's 11,000
/// chains; most of that was the process, and under load far more, since three proxies' <c>nft</c>s queue for two cores.
/// The context is used from its thread only (libnftables is not thread-safe); calls queue.
/// </summary>
internal sealed class LibNftables : IDisposable
{
    private const string Library = "libnftables.so.1";
    private const int CloneNewNet = 0x40000000;

    private readonly BlockingCollection<Request> _requests = [];
    private readonly Thread _thread;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LibNftables(string? netns)
    {
        _thread = new Thread(() => Run(netns)) { IsBackground = true, Name = "nftables" + (netns is null ? "" : " " + netns) };
        _thread.Start();
    }

    /// <summary>A context in this process's network namespace, or in <paramref name="netns"/> (a name under /var/run/netns); null when libnftables cannot be loaded or the context not made.</summary>
    public static LibNftables? TryStart(string? netns)
    {
        var client = new LibNftables(netns);
        try
        {
            client._started.Task.GetAwaiter().GetResult();
            return client;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or NftException or UnauthorizedAccessException)
        {
            client.Dispose();
            return null;
        }
    }

    /// <summary>Runs <paramref name="commands"/> as nft would from a file (one transaction); exit code 0 or 1, nft's output and error text.</summary>
    public Task<(int Code, string Output, string Error)> RunAsync(string commands, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var request = new Request(commands, new TaskCompletionSource<(int, string, string)>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            _requests.Add(request, ct);
        }
        catch (InvalidOperationException)
        {
            throw new NftException("the nftables context is closed");
        }
        // The transaction, once handed to the thread, runs to its end: the kernel has it or not, never half.
        return request.Done.Task;
    }

    public void Dispose() => _requests.CompleteAdding();

    private void Run(string? netns)
    {
        nint context;
        try
        {
            if (netns is not null)
                EnterNamespace(netns);
            context = NftCtxNew(0);
            if (context == 0)
                throw new NftException("nft_ctx_new failed");
            NftCtxBufferOutput(context);
            NftCtxBufferError(context);
        }
        catch (Exception e)
        {
            _started.SetException(e);
            return;
        }
        _started.SetResult();
        try
        {
            foreach (var request in _requests.GetConsumingEnumerable())
            {
                try
                {
                    // Drains what an earlier command left, so each answer holds only its own text.
                    Drain(context);
                    var code = NftRunCmdFromBuffer(context, ref LinuxMounts.CString(request.Commands)[0]);
                    var (output, error) = Drain(context);
                    request.Done.SetResult((code == 0 ? 0 : 1, output, error));
                }
                catch (Exception e)
                {
                    request.Done.SetException(e);
                }
            }
        }
        finally
        {
            NftCtxFree(context);
        }
    }

    private static (string Output, string Error) Drain(nint context) =>
        (Marshal.PtrToStringUTF8(NftCtxGetOutputBuffer(context)) ?? "", Marshal.PtrToStringUTF8(NftCtxGetErrorBuffer(context)) ?? "");

    /// <summary>Moves this thread (only) into the named network namespace, as <c>ip netns exec</c> does for a process.</summary>
    private static void EnterNamespace(string netns)
    {
        if (netns.Contains('/', StringComparison.Ordinal) || netns is "." or "..")
            throw new NftException($"network namespace name {netns} is not a name");
        using var handle = File.OpenHandle(Path.Combine("/var/run/netns", netns));
        if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            throw new NftException($"setns into {netns} failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    private sealed record Request(string Commands, TaskCompletionSource<(int, string, string)> Done);

    // DllImport over blittable arguments (as Volumes/LinuxMounts): no marshalling stubs, no unsafe code.
    [DllImport(Library, EntryPoint = "nft_ctx_new", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint NftCtxNew(uint flags);

    [DllImport(Library, EntryPoint = "nft_ctx_free", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void NftCtxFree(nint context);

    [DllImport(Library, EntryPoint = "nft_ctx_buffer_output", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NftCtxBufferOutput(nint context);

    [DllImport(Library, EntryPoint = "nft_ctx_buffer_error", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NftCtxBufferError(nint context);

    [DllImport(Library, EntryPoint = "nft_ctx_get_output_buffer", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint NftCtxGetOutputBuffer(nint context);

    [DllImport(Library, EntryPoint = "nft_ctx_get_error_buffer", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint NftCtxGetErrorBuffer(nint context);

    [DllImport(Library, EntryPoint = "nft_run_cmd_from_buffer", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NftRunCmdFromBuffer(nint context, ref byte buffer);

    [DllImport("libc.so.6", EntryPoint = "setns", SetLastError = true, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetNs(int fd, int nstype);
}
