using Grpc.Core;

namespace Drover.Store.Etcd;

/// <summary>What an etcd error means for retrying it: etcd's own messages (etcdserver/api/v3rpc/rpctypes) and gRPC's codes.</summary>
internal static class EtcdErrors
{
    /// <summary>
    /// The member could not serve the request (gone, unreachable, cut off from the cluster's leader, or past the deadline,
    /// which etcd reports as "context deadline exceeded" with code Unknown): try another.
    /// </summary>
    public static bool IsMemberUnavailable(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        || e.Status.Detail.Contains("context deadline exceeded", StringComparison.Ordinal)
        || e.Status.Detail.Contains("request timed out", StringComparison.Ordinal)
        || (e.StatusCode == StatusCode.Internal && e.Status.DebugException is HttpRequestException or IOException)
        || IsNoLeader(e);

    /// <summary>
    /// Certain that the request was never applied, so even a write may be sent to another member: the connection was
    /// never made (gRPC's subchannel reports the socket's own error), or the member refused it for want of a leader (before proposing it to raft). Anything else — a
    /// reset mid-request, a timeout — is ambiguous for a write, which is then reported as failed, as clientv3 does.
    /// </summary>
    public static bool WasNotSent(RpcException e) =>
        IsNoLeader(e)
        || (e.StatusCode == StatusCode.Unavailable
            && e.Status.DebugException is System.Net.Sockets.SocketException or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError });

    public static bool IsCompacted(RpcException e) =>
        e.StatusCode == StatusCode.OutOfRange && e.Status.Detail.Contains("compacted", StringComparison.Ordinal);

    public static bool IsFutureRevision(RpcException e) =>
        e.StatusCode == StatusCode.OutOfRange && e.Status.Detail.Contains("future revision", StringComparison.Ordinal);

    private static bool IsNoLeader(RpcException e) =>
        e.Status.Detail.Contains("no leader", StringComparison.Ordinal) || e.Status.Detail.Contains("not capable", StringComparison.Ordinal);

    /// <summary>The operator-facing reason: etcd's message, or the transport's when etcd said nothing.</summary>
    public static string Describe(RpcException e) =>
        string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
}
