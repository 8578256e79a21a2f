using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Commands;

/// <summary>Read-modify-write with the resourceVersion read as precondition.</summary>
internal static class ObjectUpdates
{
    private const int Attempts = 5;

    /// <summary>
    /// GETs the object, applies <paramref name="change"/> and PUTs the result; a 409 (someone wrote in between,
    /// e.g. a controller) starts over from a fresh read, so a change is never lost and never clobbers another.
    /// <paramref name="change"/> returning null means there is nothing to write.
    /// </summary>
    public static async Task<KubeObject> UpdateAsync(DroverClient client, ResourceType type, string? ns, string name, Func<KubeObject, KubeObject?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.GetAsync(type, ns, name, ct).ConfigureAwait(false);
            if (change(current) is not { } updated)
                return current;
            try
            {
                return await client.UpdateAsync(type, updated, ct: ct).ConfigureAwait(false);
            }
            catch (ApiClientException e) when (e.Code == 409 && attempt < Attempts)
            {
                // Stale read: go round again.
            }
        }
    }
}
