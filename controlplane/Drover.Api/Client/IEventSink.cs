namespace Drover.Api.Client;

/// <summary>Where an <see cref="EventBroadcaster"/> writes Events: droverd's registry in process, or the API through a client.</summary>
public interface IEventSink
{
    /// <summary>Creates the Event; 409 (<see cref="ApiException"/> or <see cref="ApiClientException"/>) when it exists.</summary>
    Task CreateAsync(Event ev, CancellationToken ct);

    /// <summary>Replaces the Event (no resourceVersion: its recorder is its only writer); 404 when it is gone.</summary>
    Task UpdateAsync(Event ev, CancellationToken ct);
}
