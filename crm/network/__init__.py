"""The cooperation network (Netzwerkanalyse): loaded, measured, exported, served, mapped."""
