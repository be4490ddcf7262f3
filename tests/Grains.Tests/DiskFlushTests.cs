using Optimus.Grains.Storage;
using Xunit;

namespace Optimus.Grains.Tests;

/// <summary>Flushes to disk on threads of their own: their outcome reaches the awaiter, and the awaiter goes on elsewhere.</summary>
public sealed class DiskFlushTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Flushes_Complete_ManyMoreThanTheThreads_AtOnce()
    {
        var files = Enumerable.Range(0, DiskFlush.Threads * 4).Select(i => new FileStream(_temp.File($"{i}.data"), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 4096)).ToArray();
        try
        {
            foreach (var file in files)
            {
                file.Write([1, 2, 3]); // still in the stream's buffer: the flush writes it out first
            }

            await Task.WhenAll(files.Select(DiskFlush.FileAsync).Append(DiskFlush.DirectoryAsync(_temp.Path)));

            Assert.All(files, file => Assert.Equal(3, new FileInfo(file.Name).Length));
        }
        finally
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
        }
    }

    [Fact]
    public async Task AFailedFlush_FailsItsAwaiter_AndLaterFlushesStillRun()
    {
        var closed = new FileStream(_temp.File("closed.data"), FileMode.Create);
        await closed.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => DiskFlush.FileAsync(closed));
        if (OperatingSystem.IsLinux()) // the only system whose directories are flushed (DirectorySync)
        {
            await Assert.ThrowsAsync<IOException>(() => DiskFlush.DirectoryAsync(_temp.File("missing")));
        }

        await using var open = new FileStream(_temp.File("open.data"), FileMode.Create);
        open.WriteByte(7);
        await DiskFlush.FileAsync(open);
        Assert.Equal(1, new FileInfo(open.Name).Length);
    }

    [Fact]
    public async Task TheAwaiter_GoesOnOffTheFlushThreads()
    {
        await using var file = new FileStream(_temp.File("one.data"), FileMode.Create);

        // On the pool, with no context to go back to: a continuation run inline would run on the flush thread.
        var threadAfter = await Task.Run(async () =>
        {
            await DiskFlush.FileAsync(file);
            return Thread.CurrentThread.Name;
        });

        Assert.NotEqual("Optimus disk flush", threadAfter);
    }
}
