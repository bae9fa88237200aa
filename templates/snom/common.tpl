<?xml version="1.0" encoding="utf-8"?>
<!-- edgeprov sample for the Default engine: Snom snom<model>.htm, the model's general setting-file
     container, asked by every phone of the model. It lists nothing: the phone's own settings come
     from the per-phone container. Add <file url="..."/> entries for files every phone of the
     model should load (firmware, languages). -->
<setting-files>
</setting-files>
