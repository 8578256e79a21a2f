using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Commands;

/// <summary>Read-modify-write with the resourceVersion read as precondition.</summary>
internal static class ObjectUpdates
{
    /// <summary>
    /// GETs the object, applies <paramref name="change"/> and PUTs the result; a 409 (someone wrote in between,
    /// e.g. a controller) starts over from a fresh read, so a change is never lost and never clobbers another.
    /// <paramref name="change"/> returning null means there is nothing to write.
    /// </summary>
    public static async Task<KubeObject> UpdateAsync(DroverClient client, ResourceType type, string? ns, string name, Func<KubeObject, KubeObject?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(change);
        return await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var current = await client.GetAsync(type, ns, name, token).ConfigureAwait(false);
            if (change(current) is not { } updated)
                return current;
            return await client.UpdateAsync(type, updated, ct: token).ConfigureAwait(false);
        }, ct: ct).ConfigureAwait(false);
    }
}
