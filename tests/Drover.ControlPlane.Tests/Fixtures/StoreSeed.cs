using Drover.Api;
using Drover.ControlPlane.Storage;
using Drover.Store;

namespace Drover.ControlPlane.Testing;

/// <summary>
/// Objects written straight into a droverd data directory's store before droverd starts, past the API's
/// validation: for objects this version's API refuses but stored data may hold (written by a newer droverd,
/// restored from a backup). Today that is a pod that references a Secret: imagePullSecrets is refused by
/// validation until registry credentials land (issue 18), yet the node authorizer must already grant exactly
/// those reads.
/// </summary>
internal static class StoreSeed
{
    public static async Task WriteAsync(string dataDirectory, IEnumerable<KubeObject> objects, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        Directory.CreateDirectory(dataDirectory);
        // droverd's store file (DroverServer opens DATA/state.db).
        var store = await SqliteStore.OpenAsync(Path.Combine(dataDirectory, "state.db"), null, ct);
        await using (store)
        {
            foreach (var obj in objects)
            {
                var type = ResourceTypes.FindByKind(obj.Kind ?? "") ?? throw new ArgumentException($"unknown kind {obj.Kind}", nameof(objects));
                var stamped = obj with
                {
                    Metadata = obj.Metadata with { Uid = Guid.NewGuid().ToString(), CreationTimestamp = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), Generation = 1 },
                };
                await store.CreateAsync(StoreKeys.Object(type, obj.Metadata.Namespace, obj.Metadata.Name!), ObjectStore.Encode(type, stamped), cancellationToken: ct);
            }
        }
    }
}
