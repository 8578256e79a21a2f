namespace Drover.Store;

/// <summary>
/// One queued write. The caller awaits <see cref="Task"/>; the writer loop completes it only after the batch holding
/// it has been committed (fsynced), which is what makes an acknowledged write durable.
/// </summary>
internal sealed class WriteOperation
{
    /// <summary>Completes compactions, which have no key; keeps every operation on one task type.</summary>
    public static readonly KeyValue NoResult = new(string.Empty, ReadOnlyMemory<byte>.Empty, 0, 0);

    private const int Pending = 0;
    private const int Claimed = 1;
    private const int Canceled = 2;

    private readonly TaskCompletionSource<KeyValue> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;
    private int _state;

    private WriteOperation(WriteOperationKind kind, string key, byte[] value, long revision, StoreFence? fence)
    {
        Kind = kind;
        Key = key;
        Value = value;
        Revision = revision;
        Fence = fence;
    }

    public WriteOperationKind Kind { get; }

    public string Key { get; }

    /// <summary>A private copy: the caller may reuse its buffer as soon as the call returns.</summary>
    public byte[] Value { get; }

    /// <summary>Expected mod revision for update and delete (0 = unconditional); target revision for compaction.</summary>
    public long Revision { get; }

    /// <summary>When set, the write is applied only while the fence key is still at the fence's mod revision.</summary>
    public StoreFence? Fence { get; }

    public Task<KeyValue> Task => _completion.Task;

    public static WriteOperation Create(string key, ReadOnlyMemory<byte> value, StoreFence? fence = null) =>
        new(WriteOperationKind.Create, key, value.ToArray(), 0, fence);

    public static WriteOperation Update(string key, ReadOnlyMemory<byte> value, long expectedModRevision, StoreFence? fence = null) =>
        new(WriteOperationKind.Update, key, value.ToArray(), expectedModRevision, fence);

    public static WriteOperation Delete(string key, long expectedModRevision, StoreFence? fence = null) =>
        new(WriteOperationKind.Delete, key, [], expectedModRevision, fence);

    public static WriteOperation Compact(long revision) =>
        new(WriteOperationKind.Compact, string.Empty, [], revision, null);

    /// <summary>
    /// Cancellation only wins while the operation is still queued; once the writer claimed it, the outcome is
    /// reported as it happened, so a caller never sees "canceled" for a write that was in fact committed.
    /// </summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((WriteOperation)state!).TryCancel(token),
                this);
        }
    }

    /// <summary>Called by the writer before applying; false means the caller already gave up.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Pending) == Pending;

    public void Succeed(KeyValue result)
    {
        _registration.Unregister();
        _completion.TrySetResult(result);
    }

    public void Fail(Exception exception)
    {
        _registration.Unregister();
        _completion.TrySetException(exception);
    }

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Canceled, Pending) == Pending)
        {
            _completion.TrySetCanceled(token);
        }
    }
}
