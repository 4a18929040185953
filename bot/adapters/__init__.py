"""Platform adapters: they turn platform events into core calls and send the rendering."""
