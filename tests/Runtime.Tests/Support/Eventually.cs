namespace Optimus.Runtime.Tests.Support;

/// <summary>Waits for a condition that becomes true asynchronously, failing with a message after a generous limit.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up after {seconds} s waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}
