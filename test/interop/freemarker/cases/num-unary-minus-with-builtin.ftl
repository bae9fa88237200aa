${-1.5?round} ${(-1.5)?round} ${-2.7?floor} ${-x?abs}
